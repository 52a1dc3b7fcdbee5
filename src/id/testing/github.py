"""GitHub Actions: the job's token request endpoint."""

from __future__ import annotations

import secrets
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

TOKEN_PATH = "/_apis/distributedtask/idtoken"  # noqa: S105 - a path


class GitHubActions(Emulator):
    """A GitHub Actions job: `GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=...` with
    `Authorization: bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN` answers `{"count", "value"}`.

    The endpoint enforces the method (405), `api-version=2.0` (400) and the request token (401),
    and without `audience` issues the default `https://github.com/OWNER`, as GitHub does.
    `id_token_permission=False` leaves out both variables, as for a workflow without
    `permissions: id-token: write` or a pull request from a fork.
    """

    platform = "github"

    repository: str = "octo-org/octo-repo"
    ref: str = "refs/heads/main"
    workflow: str = "release.yml"
    id_token_permission: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        self.request_token = secrets.token_urlsafe(32)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a token issued to a push workflow run."""
        owner = self.repository.split("/")[0]
        return {
            "sub": f"repo:{self.repository}:ref:{self.ref}",
            "repository": self.repository,
            "repository_owner": owner,
            "ref": self.ref,
            "ref_type": "branch",
            "sha": "d6e3f1c0a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "workflow": self.workflow.rsplit(".", 1)[0],
            "workflow_ref": f"{self.repository}/.github/workflows/{self.workflow}@{self.ref}",
            "job_workflow_ref": f"{self.repository}/.github/workflows/{self.workflow}@{self.ref}",
            "event_name": "push",
            "actor": "octocat",
            "run_id": "1234567890",
            "run_attempt": "1",
            "runner_environment": "github-hosted",
        }

    def routes(self) -> dict[str, Route]:
        """The token request endpoint."""
        return {TOKEN_PATH: self._token}

    def _token(self, request: Request) -> Reply:
        if request.method != "GET":
            return Reply.json(405, {"message": "Method Not Allowed"})
        if request.param("api-version") != "2.0":
            return Reply.json(400, {"message": "api-version=2.0 is required"})
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            credential.encode(), self.request_token.encode()
        ):
            return Reply.json(401, {"message": "Unauthorized"})
        audience = (
            request.param("audience") or f"https://github.com/{self.repository.split('/')[0]}"
        )
        return Reply.json(200, {"count": 1, "value": self.mint(audience)})

    def job_environ(self) -> dict[str, str]:
        """The variables of the job's steps."""
        environ = {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_REPOSITORY": self.repository,
            "GITHUB_REF": self.ref,
            "GITHUB_WORKFLOW_REF": (
                f"{self.repository}/.github/workflows/{self.workflow}@{self.ref}"
            ),
            "GITHUB_SERVER_URL": "https://github.com",
        }
        if self.id_token_permission:
            environ["ACTIONS_ID_TOKEN_REQUEST_URL"] = f"{self.url}{TOKEN_PATH}?api-version=2.0"
            environ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = self.request_token
        return environ
