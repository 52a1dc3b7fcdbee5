"""Gitpod workspaces: `gp idp token --audience AUD` prints a token for any audience.

Ona (Gitpod Flex) has `gitpod idp token` instead, but which variable marks its environments is not
documented: it is not detected (hand its token in with `ID_OIDC_TOKEN`).
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_from_cli
from ._base import Context, Provider

CLI = "gp"


class Gitpod(Provider):
    """A Gitpod workspace."""

    name = "gitpod"

    def fetch(self, audience: str, context: Context) -> str:
        """Run `gp idp token --audience AUD`, through the bounded subprocess helper."""
        from .. import _subprocess

        gp = _subprocess.which(CLI, context.environ)
        if gp is None:
            raise AmbientCredentialError(
                f"`{CLI}` is not on PATH: run this in the workspace itself, where Gitpod puts it"
            )
        return token_from_cli(
            [gp, "idp", "token", "--audience", audience], context, self.title, f"`{CLI} idp token`"
        )
