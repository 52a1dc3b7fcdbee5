"""Vercel: a build's `VERCEL_OIDC_TOKEN` for the team's default audience, and the token exchange
(`POST /~token`) for any other."""

from __future__ import annotations

from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route


class Vercel(Emulator):
    """A Vercel build of `project` in `team` with OIDC federation on (`oidc=False`: off, no
    token). The exchange accepts only the build's own token, as Vercel's checks its signature."""

    platform = "vercel"

    team: str = "example-team"
    project: str = "site"
    oidc: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        self.build_token = ""

    @property
    def default_audience(self) -> str:
        """The audience of the build's own token."""
        return f"https://vercel.com/{self.team}"

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """A build's claims."""
        return {
            "sub": f"owner:{self.team}:project:{self.project}:environment:preview",
            "owner": self.team,
            "project": self.project,
            "environment": "preview",
        }

    def routes(self) -> dict[str, Route]:
        """The token exchange."""
        return {"/~token": self._exchange}

    def _exchange(self, request: Request) -> Reply:
        body = request.json()
        if request.method != "POST" or not isinstance(body, dict):
            return Reply.json(400, {"error": "invalid request"})
        if body.get("token") != self.build_token:
            return Reply.json(401, {"error": "invalid token"})
        audience = body.get("aud")
        if not isinstance(audience, str) or not audience:
            return Reply.json(400, {"error": "aud is required"})
        claims = {**self.platform_claims(audience), "act": {"sub": self.default_audience}}
        return Reply.json(200, {"token": self.mint(audience, claims)})

    def job_environ(self) -> dict[str, str]:
        """A build's system variables, its token, and the exchange's address."""
        environ = {"VERCEL": "1", "VERCEL_ENV": "preview", "ID_VERCEL_OIDC_ENDPOINT": self.url}
        if self.oidc:
            self.build_token = self.mint(self.default_audience)
            environ["VERCEL_OIDC_TOKEN"] = self.build_token
        return environ
