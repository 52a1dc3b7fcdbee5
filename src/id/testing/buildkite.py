"""Buildkite: the agent API behind `buildkite-agent oidc request-token`."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

JOBS_PREFIX = "/v3/jobs/"


class Buildkite(Emulator):
    """A Buildkite job with a stand-in `buildkite-agent` on PATH (unless `agent_installed` is
    False). The agent API checks the job id and agent token (401), and without an audience issues
    the default `https://buildkite.com/ORG`."""

    platform = "buildkite"

    organization: str = "example-org"
    pipeline: str = "release"
    branch: str = "main"
    step_key: str = "publish"
    agent_installed: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        self.job_id = str(uuid.uuid4())
        self.agent_token = secrets.token_urlsafe(32)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a Buildkite OIDC token."""
        commit = "9f3a0c2b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f70"
        return {
            "sub": (
                f"organization:{self.organization}:pipeline:{self.pipeline}:ref:"
                f"refs/heads/{self.branch}:commit:{commit}:step:{self.step_key}"
            ),
            "organization_slug": self.organization,
            "pipeline_slug": self.pipeline,
            "build_number": 42,
            "build_branch": self.branch,
            "build_commit": commit,
            "build_source": "webhook",
            "step_key": self.step_key,
            "job_id": self.job_id,
            "agent_id": str(uuid.UUID(int=1)),
        }

    def prefix_routes(self) -> dict[str, Route]:
        """POST /v3/jobs/JOB/oidc/tokens."""
        return {JOBS_PREFIX: self._tokens}

    def _tokens(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != f"{JOBS_PREFIX}{self.job_id}/oidc/tokens":
            return Reply.json(404, {"message": "Not Found"})
        if request.headers.get("authorization") != f"Token {self.agent_token}":
            return Reply.json(401, {"message": "Unauthorized"})
        body = request.json()
        if not isinstance(body, dict):
            return Reply.json(422, {"message": "invalid request body"})
        audience = body.get("audience") or f"https://buildkite.com/{self.organization}"
        return Reply.json(200, {"token": self.mint(str(audience))})

    def job_environ(self) -> dict[str, str]:
        """The variables of a job on an agent whose API is the emulator."""
        environ = {
            "BUILDKITE": "true",
            "CI": "true",
            "BUILDKITE_ORGANIZATION_SLUG": self.organization,
            "BUILDKITE_PIPELINE_SLUG": self.pipeline,
            "BUILDKITE_BRANCH": self.branch,
            "BUILDKITE_JOB_ID": self.job_id,
            "BUILDKITE_AGENT_ACCESS_TOKEN": self.agent_token,
            "BUILDKITE_AGENT_ENDPOINT": f"{self.url}/v3",
        }
        if self.agent_installed:
            environ["PATH"] = self.path_with(
                self.install_standin("buildkite-agent", "buildkite_agent.py")
            )
        return environ
