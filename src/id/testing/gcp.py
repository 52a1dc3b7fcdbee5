"""Google Cloud: the metadata server and IAM Credentials' `generateIdToken`."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import unquote

from ._emulator import Emulator
from ._server import Reply, Request, Route

ACCOUNT_PATH = "/computeMetadata/v1/instance/service-accounts/default"
IAM_PREFIX = "/v1/projects/-/serviceAccounts/"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


class GoogleCloud(Emulator):
    """A Compute Engine VM (or Cloud Run service) with `service_account` attached.

    The metadata server refuses requests without `Metadata-Flavor: Google` (403) or with an
    `X-Forwarded-For` header (403), and needs `audience` (400). The same server answers IAM
    Credentials' `generateIdToken` for the accounts in `impersonable`, checking the access token
    (one asked for without the `cloud-platform` scope is refused, 403).
    `impersonate` sets `GOOGLE_SERVICE_ACCOUNT_NAME`.
    """

    platform = "gcp"

    service_account: str = "release@example-project.iam.gserviceaccount.com"
    impersonate: str | None = None
    #: The accounts the service account may impersonate (default: `impersonate`).
    impersonable: frozenset[str] | None = None
    lifetime: float = 3600

    @property
    def impersonable_accounts(self) -> frozenset[str]:
        """`impersonable`, else `impersonate` alone."""
        if self.impersonable is not None:
            return self.impersonable
        return frozenset([self.impersonate] if self.impersonate else [])

    def __post_init__(self) -> None:
        super().__post_init__()
        self.access_token = "ya29." + secrets.token_urlsafe(48)
        # What the metadata server hands out when the scope is not asked for: IAM refuses it.
        self.unscoped_access_token = "ya29." + secrets.token_urlsafe(48)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a Compute Engine identity token with `format=full`."""
        return {
            "sub": "104567890123456789012",
            "azp": "104567890123456789012",
            "email": self.service_account,
            "email_verified": True,
            "google": {
                "compute_engine": {
                    "instance_id": "1234567890123456789",
                    "instance_name": "release-runner",
                    "project_id": "example-project",
                    "project_number": 123456789012,
                    "zone": "europe-west1-b",
                }
            },
        }

    def routes(self) -> dict[str, Route]:
        """The metadata server's identity and token endpoints."""
        return {f"{ACCOUNT_PATH}/identity": self._identity, f"{ACCOUNT_PATH}/token": self._token}

    def prefix_routes(self) -> dict[str, Route]:
        """IAM Credentials' generateIdToken."""
        return {IAM_PREFIX: self._generate_id_token}

    @staticmethod
    def _metadata_refusal(request: Request) -> Reply | None:
        if request.method != "GET":
            return Reply.text(405, "Method Not Allowed")
        if (
            request.headers.get("metadata-flavor") != "Google"
            or "x-forwarded-for" in request.headers
        ):
            return Reply.text(403, "Missing Metadata-Flavor:Google header.")
        return None

    def _identity(self, request: Request) -> Reply:
        refusal = self._metadata_refusal(request)
        if refusal is not None:
            return refusal
        audience = request.param("audience")
        if not audience:
            return Reply.text(400, "non-empty audience parameter required")
        if request.param("format") == "full":
            return Reply.text(200, self.mint(audience))
        claims = {k: v for k, v in self.platform_claims(audience).items() if k != "google"}
        return Reply.text(200, self.mint(audience, claims))

    def _token(self, request: Request) -> Reply:
        refusal = self._metadata_refusal(request)
        if refusal is not None:
            return refusal
        scoped = CLOUD_PLATFORM_SCOPE in (request.param("scopes") or "").split(",")
        token = self.access_token if scoped else self.unscoped_access_token
        return Reply.json(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    def _generate_id_token(self, request: Request) -> Reply:
        name = unquote(request.path[len(IAM_PREFIX) :])
        account, _, verb = name.partition(":")
        if request.method != "POST" or verb != "generateIdToken":
            return Reply.json(404, {"error": {"code": 404, "message": "Not Found"}})
        if request.headers.get("authorization") == f"Bearer {self.unscoped_access_token}":
            return Reply.json(
                403,
                {
                    "error": {
                        "code": 403,
                        "message": "Request had insufficient authentication scopes.",
                        "status": "PERMISSION_DENIED",
                        "details": [{"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}],
                    }
                },
            )
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return Reply.json(401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}})
        if account not in self.impersonable_accounts:
            return Reply.json(
                403,
                {
                    "error": {
                        "code": 403,
                        "message": "Permission 'iam.serviceAccounts.getOpenIdToken' denied",
                        "status": "PERMISSION_DENIED",
                    }
                },
            )
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("audience"), str):
            return Reply.json(400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}})
        claims: dict[str, Any] = {"sub": "109876543210987654321", "azp": "109876543210987654321"}
        if body.get("includeEmail"):
            claims.update({"email": account, "email_verified": True})
        return Reply.json(200, {"token": self.mint(body["audience"], claims)})

    def job_environ(self) -> dict[str, str]:
        """`GCE_METADATA_HOST` pointing at the emulator (and the IAM endpoint override)."""
        host = self.url.split("://", 1)[1]
        environ = {"GCE_METADATA_HOST": host, "ID_GCP_IAM_ENDPOINT": self.url}
        if self.impersonate:
            environ["GOOGLE_SERVICE_ACCOUNT_NAME"] = self.impersonate
        return environ
