"""Forgejo Actions: GitHub's token protocol at Forgejo's own path, for a workflow with
`enable-openid-connect: true`."""

from __future__ import annotations

import secrets

from ._server import Reply, Request, Route
from .github import GitHubActions

TOKEN_PATH = "/api/actions/_apis/pipelines/workflows/1/idtoken"  # noqa: S105 - a path


class ForgejoActions(GitHubActions):
    """A Forgejo Actions job: the request URL carries `placeholder=true` (not GitHub's
    `api-version=2.0`), the issuer is `<instance>/api/actions`, and the runner sets
    `FORGEJO_ACTIONS`, `GITEA_ACTIONS` and the `GITHUB_*` variables. `enable_openid_connect=False`
    leaves out the request variables."""

    platform = "forgejo"
    issuer_path = "/api/actions"

    #: `enable-openid-connect` in the workflow: without it, no request variables.
    enable_openid_connect: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        self.id_token_permission = self.enable_openid_connect

    def routes(self) -> dict[str, Route]:
        """The token request endpoint, at Forgejo's path."""
        return {TOKEN_PATH: self._forgejo_token}

    def _forgejo_token(self, request: Request) -> Reply:
        if request.method != "GET":
            return Reply.json(405, {"message": "Method Not Allowed"})
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            credential.encode(), self.request_token.encode()
        ):
            return Reply.json(401, {"message": "Unauthorized"})
        audience = request.param("audience") or f"{self.url}/{self.repository.split('/')[0]}"
        return Reply.json(200, {"value": self.mint(audience)})

    def job_environ(self) -> dict[str, str]:
        """GitHub's variables, Forgejo's own, and the request URL at Forgejo's path."""
        environ = super().job_environ()
        environ.update({"FORGEJO_ACTIONS": "true", "GITEA_ACTIONS": "true"})
        environ["GITHUB_SERVER_URL"] = self.url
        if "ACTIONS_ID_TOKEN_REQUEST_URL" in environ:
            environ["ACTIONS_ID_TOKEN_REQUEST_URL"] = f"{self.url}{TOKEN_PATH}?placeholder=true"
        return environ
