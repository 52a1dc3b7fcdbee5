"""Azure managed identity: App Service's identity endpoint, or a VM's IMDS."""

from __future__ import annotations

import secrets
import time
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

APP_SERVICE_PATH = "/msi/token"
IMDS_PATH = "/metadata/identity/oauth2/token"


class AzureManagedIdentity(Emulator):
    """An App Service app (`app_service=True`) or a VM with a managed identity.

    App Service's endpoint needs `X-IDENTITY-HEADER` (401) and `api-version=2019-08-01` (400);
    IMDS needs `Metadata: true` (400) and an `api-version`. Both answer an Entra access token for
    `resource`.
    """

    platform = "azure-identity"

    app_service: bool = True
    lifetime: float = 3600

    def __post_init__(self) -> None:
        super().__post_init__()
        self.identity_header = secrets.token_urlsafe(24)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of an Entra access token for a managed identity."""
        object_id = "8b5f7f3c-5a1e-4c2e-9d8a-0f1e2d3c4b5a"
        return {"sub": object_id, "oid": object_id, "appid": "3fa1c3e2-0000-4000-8000-00000000cafe"}

    def routes(self) -> dict[str, Route]:
        """The App Service endpoint and IMDS."""
        return {APP_SERVICE_PATH: self._app_service, IMDS_PATH: self._imds}

    def _answer(self, resource: str | None) -> Reply:
        if not resource:
            return Reply.json(
                400, {"error": "invalid_request", "error_description": "resource is required"}
            )
        expires = str(int(time.time() + self.lifetime))
        return Reply.json(
            200,
            {
                "access_token": self.mint(resource),
                "expires_on": expires,
                "resource": resource,
                "token_type": "Bearer",
            },
        )

    def _app_service(self, request: Request) -> Reply:
        if request.headers.get("x-identity-header") != self.identity_header:
            return Reply.json(401, {"message": "X-IDENTITY-HEADER is missing or wrong"})
        if request.param("api-version") != "2019-08-01":
            return Reply.json(400, {"message": "api-version 2019-08-01 is required"})
        return self._answer(request.param("resource"))

    def _imds(self, request: Request) -> Reply:
        if request.headers.get("metadata") != "true":
            return Reply.json(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Required metadata header not specified",
                },
            )
        if not request.param("api-version"):
            return Reply.json(
                400, {"error": "invalid_request", "error_description": "api-version is required"}
            )
        return self._answer(request.param("resource"))

    def job_environ(self) -> dict[str, str]:
        """App Service's variables, or where IMDS is."""
        if self.app_service:
            return {
                "IDENTITY_ENDPOINT": f"{self.url}{APP_SERVICE_PATH}",
                "IDENTITY_HEADER": self.identity_header,
            }
        return {"ID_AZURE_IMDS_ENDPOINT": self.url}
