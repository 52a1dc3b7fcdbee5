"""HCP Terraform: workload identity tokens, one per configured audience.

`TFC_WORKLOAD_IDENTITY_TOKEN` is the token for `TFC_WORKLOAD_IDENTITY_AUDIENCE`, and each tagged
pair `TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG>` / `TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>` another one.
A token is chosen by its own `aud`, as every platform's tokens declared for several consumers are.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import choose
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

TOKEN_PREFIX = "TFC_WORKLOAD_IDENTITY_TOKEN"  # noqa: S105 - a variable's name
AUDIENCE_PREFIX = "TFC_WORKLOAD_IDENTITY_AUDIENCE"


def tokens(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """(variable, token) of every pair with a token, the plain one first."""
    found = []
    for name in sorted(environ, key=lambda n: (n != TOKEN_PREFIX, n)):
        if (name == TOKEN_PREFIX or name.startswith(TOKEN_PREFIX + "_")) and environ[name].strip():
            found.append((name, environ[name].strip()))
    return found


class HCPTerraform(Provider):
    """An HCP Terraform (or Terraform Enterprise) run with workload identity."""

    name = "terraform"
    audience_at_run_time = False
    offline = True

    def fetch(self, audience: str, context: Context) -> str:
        """The first pair's token whose `aud` holds the audience (when a server chose the
        audience, whose `aud` is that audience alone)."""
        candidates = tokens(context.environ)
        context.secrets.extend(token for _, token in candidates)
        chosen, seen = choose(candidates, audience, only_exact=context.audience_from_server)
        if chosen is not None:
            return chosen
        found = f" ({'; '.join(seen)})" if seen else ""
        raise AmbientCredentialError(
            f"no workload identity token for audience {audience!r}{found}. Add a pair for it: "
            f"a workspace environment variable {AUDIENCE_PREFIX}_<TAG> = {audience} "
            f"(e.g. {AUDIENCE_PREFIX}_ID={audience})"
        )
