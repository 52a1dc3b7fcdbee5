"""Buildkite: the agent prints a token for any audience."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field, token_from_cli
from ._base import Context, Provider

AGENT = "buildkite-agent"
DEFAULT_ENDPOINT = "https://agent.buildkite.com/v3"


class Buildkite(Provider):
    """A Buildkite job, through `buildkite-agent oidc request-token`."""

    name = "buildkite"

    def fetch(self, audience: str, context: Context) -> str:
        """Run `buildkite-agent oidc request-token --audience AUD`; without the binary (a step in
        its own container image), ask the agent API as the agent would, as cosign does."""
        from .. import _subprocess

        # The agent reads its access token itself; it is a secret to redact all the same.
        access_token = context.secret("BUILDKITE_AGENT_ACCESS_TOKEN")
        agent = _subprocess.which(AGENT, context.environ)
        if agent is None and access_token:
            return self._from_agent_api(audience, access_token, context)
        if agent is None:
            raise AmbientCredentialError(
                f"{AGENT} is not on PATH and BUILDKITE_AGENT_ACCESS_TOKEN is not "
                "set: run this step on a Buildkite agent (v3.48 or newer), put the agent binary "
                "on PATH, or pass BUILDKITE_AGENT_ACCESS_TOKEN into the step's container"
            )
        return token_from_cli(
            [agent, "oidc", "request-token", "--audience", audience],
            context,
            self.title,
            f"{AGENT} oidc request-token",
        )

    def _from_agent_api(self, audience: str, access_token: str, context: Context) -> str:
        """`POST {endpoint}/jobs/{job}/oidc/tokens` with `Authorization: Token ...` (buildkite/agent
        `api/oidc.go`; cosign `pkg/providers/buildkite`): `{"token": "<jwt>"}` on 200."""
        import json
        from urllib.parse import quote

        from .._http import Request

        endpoint = context.url("BUILDKITE_AGENT_ENDPOINT") or DEFAULT_ENDPOINT
        job = context.environ.get("BUILDKITE_JOB_ID", "").strip()
        if not job:
            raise AmbientCredentialError("BUILDKITE_JOB_ID is not set")
        response = context.http.send(
            Request(
                "POST",
                f"{endpoint.rstrip('/')}/jobs/{quote(job, safe='')}/oidc/tokens",
                headers={
                    "Authorization": f"Token {access_token}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
                body=json.dumps({"audience": audience}).encode(),
                secrets=[access_token],
            )
        )
        return token_field(response, "token", self.title, "the agent API")
