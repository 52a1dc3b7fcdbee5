"""Gitpod: a workspace whose `gp idp token --audience AUD` prints a token for any audience."""

from __future__ import annotations

from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

TOKEN_PATH = "/idp/token"  # noqa: S105 - a path


class Gitpod(Emulator):
    """A Gitpod workspace with `gp` on PATH (`gp_installed=False`: without it)."""

    platform = "gitpod"

    gp_installed: bool = True
    lifetime: float = 3600

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """A workspace's claims: its context URL as subject."""
        return {
            "sub": "https://github.com/octo-org/octo-repo/pull/1",
            "azp": audience,
            "email": "dev@example.com",
            "email_verified": True,
            "name": "A Developer",
        }

    def routes(self) -> dict[str, Route]:
        """What the stand-in `gp` asks."""
        return {TOKEN_PATH: self._token}

    def _token(self, request: Request) -> Reply:
        body = request.json()
        audiences = body.get("audience") if isinstance(body, dict) else None
        if not isinstance(audiences, list) or not audiences:
            return Reply.json(400, {"message": "audience is required"})
        return Reply.json(
            200, {"token": self.mint(audiences[0] if len(audiences) == 1 else audiences)}
        )

    def job_environ(self) -> dict[str, str]:
        """The workspace's variables, and `gp` on PATH."""
        environ = {
            "GITPOD_WORKSPACE_ID": "octoorg-octorepo-abc123",
            "GITPOD_WORKSPACE_URL": "https://octoorg-octorepo-abc123.ws.gitpod.io",
            "GITPOD_HOST": "https://gitpod.io",
            "ID_TESTING_GITPOD_URL": f"{self.url}{TOKEN_PATH}",
        }
        if self.gp_installed:
            environ["PATH"] = self.path_with(self.install_standin("gp", "gp.py"))
        return environ
