"""Modal: `MODAL_IDENTITY_TOKEN` in every Function container, for the fixed audience
`oidc.modal.com`.

The variable is set when the container starts and is not refreshed, so a long-lived container can
hold an expired token: that is an error, not a silent return. Any other audience is skipped: the
token exists in every container whether or not anyone wants it.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import held_audiences, other_audience
from ._base import Context, Provider, Skipped

VARIABLE = "MODAL_IDENTITY_TOKEN"
AUDIENCE = "oidc.modal.com"


class Modal(Provider):
    """A Modal Function container."""

    name = "modal"
    audience_at_run_time = False
    offline = True

    def fetch(self, audience: str, context: Context) -> str:
        """The container's token, if it is for `audience` and still valid."""
        import time

        from .._jwt import unverified_claims
        from .._token import DEFAULT_LEEWAY

        token = context.environ.get(VARIABLE, "").strip()
        held = held_audiences(token, self.title, VARIABLE)
        if audience not in held:
            raise Skipped(
                f"{other_audience(VARIABLE, held, audience)}: Modal issues identity tokens for "
                f"{AUDIENCE} only"
            )
        expiry = unverified_claims(token).get("exp")
        # The same leeway for clock skew as every other validity check (IdentityToken's).
        late = time.time() - DEFAULT_LEEWAY
        if isinstance(expiry, (int, float)) and not isinstance(expiry, bool) and expiry < late:
            raise AmbientCredentialError(
                f"{VARIABLE} expired {round(time.time() - expiry)} s ago: Modal sets "
                "it when the container starts and does not renew it; start a new container (or "
                "shorten the container's lifetime) to get a fresh one"
            )
        return token
