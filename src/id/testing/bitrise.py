"""Bitrise: the build's `id_token.json` endpoint."""

from __future__ import annotations

import secrets
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

BUILD_PATH = "/v0.1/apps/app-slug/builds/build-slug"


class Bitrise(Emulator):
    """A Bitrise build: `POST $BITRISE_BUILD_URL/id_token.json` with the build API token in
    `Authorization` and `BUILD_API_TOKEN` (401 otherwise) and `{"aud", "sub"}` (400 without aud)
    answers `{"id_token", "token_type", "expires_in"}`."""

    platform = "bitrise"

    app: str = "example-app"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.api_token = secrets.token_urlsafe(40)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a Bitrise token."""
        return {"sub": f"app:{self.app}:build:build-slug", "app_slug": self.app}

    def routes(self) -> dict[str, Route]:
        """The token endpoint."""
        return {f"{BUILD_PATH}/id_token.json": self._token}

    def _token(self, request: Request) -> Reply:
        if request.method != "POST":
            return Reply.json(405, {"message": "Method Not Allowed"})
        headers = request.headers
        if (
            headers.get("authorization") != self.api_token
            or headers.get("build_api_token") != self.api_token
        ):
            return Reply.json(401, {"message": "Unauthorized"})
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("aud"), str) or not body["aud"]:
            return Reply.json(400, {"message": "aud is required"})
        return Reply.json(
            200, {"id_token": self.mint(body["aud"]), "token_type": "Bearer", "expires_in": 300}
        )

    def job_environ(self) -> dict[str, str]:
        """The variables of a build."""
        return {
            "BITRISE_IO": "true",
            "BITRISE_BUILD_URL": f"{self.url}{BUILD_PATH}",
            "BITRISE_BUILD_API_TOKEN": self.api_token,
        }
