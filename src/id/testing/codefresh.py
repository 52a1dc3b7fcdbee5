"""Codefresh: the pipeline's OIDC request URL."""

from __future__ import annotations

import secrets
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

TOKEN_PATH = "/api/identity/oidc-id-token"  # noqa: S105 - a path


class Codefresh(Emulator):
    """A Codefresh build: `GET CF_OIDC_REQUEST_URL?audience=...` with `Authorization:
    <request token>` (no scheme; 401 otherwise) answers `{"id_token": "<jwt>"}`."""

    platform = "codefresh"

    account: str = "example-account"
    pipeline: str = "release"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.request_token = secrets.token_urlsafe(40)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a Codefresh token."""
        return {
            "sub": f"account_id:{self.account}:pipeline_id:{self.pipeline}",
            "account_id": self.account,
            "pipeline_id": self.pipeline,
        }

    def routes(self) -> dict[str, Route]:
        """The token endpoint."""
        return {TOKEN_PATH: self._token}

    def _token(self, request: Request) -> Reply:
        if request.method != "GET":
            return Reply.json(405, {"message": "Method Not Allowed"})
        if request.headers.get("authorization") != self.request_token:
            return Reply.json(401, {"message": "Unauthorized"})
        audience = request.param("audience") or "https://g.codefresh.io"
        return Reply.json(200, {"id_token": self.mint(audience)})

    def job_environ(self) -> dict[str, str]:
        """The variables of a step."""
        return {
            "CF_BUILD_ID": "64a0f0c2e1d2c3b4a5968778",
            "CF_OIDC_REQUEST_URL": f"{self.url}{TOKEN_PATH}",
            "CF_OIDC_REQUEST_TOKEN": self.request_token,
        }
