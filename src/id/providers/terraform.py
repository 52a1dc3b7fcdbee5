"""HCP Terraform: workload identity tokens, one per configured audience.

`TFC_WORKLOAD_IDENTITY_TOKEN` is the token for `TFC_WORKLOAD_IDENTITY_AUDIENCE`, and each tagged
pair `TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>` / `TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>` another one.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import require_audience
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

TOKEN_PREFIX = "TFC_WORKLOAD_IDENTITY_TOKEN"  # noqa: S105 - a variable's name
AUDIENCE_PREFIX = "TFC_WORKLOAD_IDENTITY_AUDIENCE"


def token_pairs(environ: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(audience, token variable, token) for every configured pair, plain first."""
    pairs = []
    for name in sorted(environ, key=lambda n: (n != TOKEN_PREFIX, n)):
        if name == TOKEN_PREFIX or name.startswith(TOKEN_PREFIX + "_"):
            audience = environ.get(AUDIENCE_PREFIX + name[len(TOKEN_PREFIX) :], "")
            pairs.append((audience, name, environ[name].strip()))
    return pairs


class HCPTerraform(Provider):
    """An HCP Terraform (or Terraform Enterprise) run with workload identity."""

    name = "terraform"
    audience_at_run_time = False
    offline = True

    def fetch(self, audience: str, context: Context) -> str:
        """The token of the pair whose audience matches."""
        pairs = [pair for pair in token_pairs(context.environ) if pair[2]]
        fix = (
            "Add a pair for it: a workspace environment variable "
            f"{AUDIENCE_PREFIX}_<TAG> = {audience} (e.g. {AUDIENCE_PREFIX}_ID={audience})"
        )
        for declared, variable, token in pairs:
            if declared == audience:
                return require_audience(token, audience, self.title, variable, fix)
        known = ", ".join(
            f"{variable} for {declared or 'an unnamed audience'!r}"
            for declared, variable, _ in pairs
        )
        raise AmbientCredentialError(
            f"no workload identity token for audience {audience!r} (there is {known}). {fix}"
        )
