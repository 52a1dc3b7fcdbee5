"""Platforms that put a token in an environment variable, for an audience fixed in their
configuration (Bitbucket, Semaphore, Spacelift, env0)."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import require_audience
from ._base import Context, Provider


class VariableTokenProvider(Provider):
    """A platform whose token is in `token_variable` when its spec says the platform is here."""

    audience_at_run_time = False
    offline = True
    token_variable: str

    def missing(self) -> str:
        """What to change when the token variable is not set."""
        raise NotImplementedError

    def wrong_audience(self, audience: str) -> str:
        """What to change when the token is for another audience."""
        raise NotImplementedError

    def fetch(self, audience: str, context: Context) -> str:
        """The token in `token_variable`, if it is for `audience`."""
        token = context.environ.get(self.token_variable, "").strip()
        if not token:
            raise AmbientCredentialError(f"{self.token_variable} is not set: {self.missing()}")
        return require_audience(
            token, audience, self.title, self.token_variable, self.wrong_audience(audience)
        )
