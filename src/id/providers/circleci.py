"""CircleCI: the `circleci` CLI issues tokens for any audience; jobs with a context also get
default tokens in `CIRCLE_OIDC_TOKEN_V2` / `CIRCLE_OIDC_TOKEN` for the organisation's id."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_from_cli
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

CLI = "circleci"
DEFAULT_TOKEN_VARIABLES = ("CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN")


class CircleCI(Provider):
    """A CircleCI job."""

    name = "circleci"

    def fetch(self, audience: str, context: Context) -> str:
        """Ask the CLI for a token; without the CLI, use a default token whose `aud` matches."""
        from .. import _subprocess

        cli = _subprocess.which(CLI, context.environ)
        if cli is None:
            return self._default_token(audience, context.environ)
        import json

        return token_from_cli(
            # --root-issuer as PyPI's id passes it: trusted publishers expect the root issuer.
            [cli, "run", "oidc", "get", "--claims", json.dumps({"aud": audience}), "--root-issuer"],
            context,
            self.title,
            f"`{CLI} run oidc get`",
        )

    def _default_token(self, audience: str, environ: Mapping[str, str]) -> str:
        from ._audience import choose

        candidates = [
            (variable, environ[variable].strip())
            for variable in DEFAULT_TOKEN_VARIABLES
            if environ.get(variable, "").strip()
        ]
        token, seen = choose(candidates, audience)
        if token is not None:
            return token
        found = (
            "; ".join(seen)
            if seen
            else (
                "neither CIRCLE_OIDC_TOKEN_V2 nor CIRCLE_OIDC_TOKEN is set (jobs get them only "
                "when they use a context)"
            )
        )
        raise AmbientCredentialError(
            f"the `{CLI}` CLI is not on PATH, so no token can be requested for "
            f"audience {audience!r}, and {found}. Use an image that has the CircleCI CLI "
            "(such as cimg/*), or ask for the organisation id as the audience"
        )
