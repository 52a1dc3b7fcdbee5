"""Azure Pipelines: the job's OIDC request URI."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

OIDC_PATH = "/org/project/_apis/distributedtask/hubs/build/plans/plan/jobs/job/oidctoken"


class AzurePipelines(Emulator):
    """An Azure Pipelines job with a workload-identity service connection.

    The request URI needs POST (405), `api-version` (400), a known `serviceConnectionId` (404)
    and the job's access token as `Bearer` (401), and answers `{"oidcToken": "<jwt>"}` for
    `api://AzureADTokenExchange`. `access_token_mapped=False` leaves `SYSTEM_ACCESSTOKEN` out, as
    a step that does not map it.
    """

    platform = "azure-pipelines"

    organization: str = "example-org"
    project: str = "release"
    access_token_mapped: bool = True
    lifetime: float = 600

    def __post_init__(self) -> None:
        super().__post_init__()
        self.connection_id = str(uuid.uuid4())
        self.access_token = secrets.token_urlsafe(40)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a service connection's token."""
        return {"sub": f"sc://{self.organization}/{self.project}/release-connection"}

    def routes(self) -> dict[str, Route]:
        """The OIDC request URI."""
        return {OIDC_PATH: self._token}

    def _token(self, request: Request) -> Reply:
        if request.method != "POST":
            return Reply.json(405, {"message": "Method Not Allowed"})
        if not request.param("api-version"):
            return Reply.json(400, {"message": "No api-version was supplied for the POST request."})
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return Reply.json(401, {"message": "Unauthorized"})
        if request.param("serviceConnectionId") != self.connection_id:
            return Reply.json(404, {"message": "The service connection does not exist."})
        return Reply.json(200, {"oidcToken": self.mint("api://AzureADTokenExchange")})

    def job_environ(self) -> dict[str, str]:
        """The variables of a step in the job."""
        environ = {
            "TF_BUILD": "True",
            "SYSTEM_OIDCREQUESTURI": f"{self.url}{OIDC_PATH}",
            "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID": self.connection_id,
        }
        if self.access_token_mapped:
            environ["SYSTEM_ACCESSTOKEN"] = self.access_token
        return environ
