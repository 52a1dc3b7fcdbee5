"""CircleCI: the `circleci run oidc get` service and the default tokens of a job."""

from __future__ import annotations

import uuid
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

OIDC_PATH = "/oidc/get"


class CircleCI(Emulator):
    """A CircleCI job with a stand-in `circleci` CLI on PATH (unless `cli_installed` is False)
    and, when it uses a context (`context=True`), `CIRCLE_OIDC_TOKEN` and `CIRCLE_OIDC_TOKEN_V2`
    for the organisation id."""

    platform = "circleci"

    project: str = "gh/example-org/example-repo"
    cli_installed: bool = True
    context: bool = True
    lifetime: float = 3600

    def __post_init__(self) -> None:
        super().__post_init__()
        self.organization_id = str(uuid.uuid4())
        self.project_id = str(uuid.uuid4())

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a CircleCI OIDC token."""
        return {
            "sub": f"org/{self.organization_id}/project/{self.project_id}/user/{uuid.UUID(int=7)}",
            "oidc.circleci.com/project-id": self.project_id,
            "oidc.circleci.com/vcs-origin": self.project.replace("gh/", "github.com/"),
            "oidc.circleci.com/vcs-ref": "refs/heads/main",
            "oidc.circleci.com/context-ids": [str(uuid.UUID(int=9))],
        }

    def routes(self) -> dict[str, Route]:
        """The service the stand-in CLI asks."""
        return {OIDC_PATH: self._get}

    def _get(self, request: Request) -> Reply:
        body = request.json()
        if request.method != "POST" or not isinstance(body, dict):
            return Reply.json(400, {"message": "bad request"})
        claims = body.get("claims")
        if not isinstance(claims, dict):
            return Reply.json(400, {"message": "claims must be an object"})
        audience = claims.get("aud", self.organization_id)
        return Reply.json(200, {"token": self.mint(str(audience))})

    def job_environ(self) -> dict[str, str]:
        """The variables of a job."""
        environ = {
            "CIRCLECI": "true",
            "CI": "true",
            "CIRCLE_PROJECT_REPONAME": self.project.rsplit("/", 1)[-1],
            "ID_TESTING_CIRCLECI_OIDC_URL": f"{self.url}{OIDC_PATH}",
        }
        if self.context:
            environ["CIRCLE_OIDC_TOKEN"] = self.mint(self.organization_id)
            environ["CIRCLE_OIDC_TOKEN_V2"] = self.mint(self.organization_id)
        if self.cli_installed:
            environ["PATH"] = self.path_with(self.install_standin("circleci", "circleci.py"))
        return environ
