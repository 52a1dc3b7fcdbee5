"""Buildkite: the agent prints a token for any audience."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_from_cli
from ._base import Context, Provider

AGENT = "buildkite-agent"


class Buildkite(Provider):
    """A Buildkite job, through `buildkite-agent oidc request-token`."""

    name = "buildkite"

    def fetch(self, audience: str, context: Context) -> str:
        """Run `buildkite-agent oidc request-token --audience AUD` and return what it prints."""
        from .. import _subprocess

        # The agent reads its access token itself; it is still a secret to redact.
        context.secret("BUILDKITE_AGENT_ACCESS_TOKEN")
        agent = _subprocess.which(AGENT, context.environ)
        if agent is None:
            raise AmbientCredentialError(
                f"{self.title}: {AGENT} is not on PATH: run this step on a Buildkite agent "
                "(v3.48 or newer) or put the agent binary on PATH"
            )
        return token_from_cli(
            [agent, "oidc", "request-token", "--audience", audience],
            context,
            self.title,
            f"{AGENT} oidc request-token",
        )
