"""Bitbucket Pipelines: a step with `oidc: true` gets `BITBUCKET_STEP_OIDC_TOKEN`."""

from __future__ import annotations

from ._variable import VariableTokenProvider


class BitbucketPipelines(VariableTokenProvider):
    """A Bitbucket Pipelines step."""

    name = "bitbucket"
    token_variable = "BITBUCKET_STEP_OIDC_TOKEN"  # noqa: S105 - a variable's name

    def missing(self) -> str:
        """Enable OIDC for the step."""
        return "add `oidc: true` to the step in bitbucket-pipelines.yml"

    def wrong_audience(self, audience: str) -> str:
        """List the audience under the step's `oidc: audiences:`."""
        return (
            "List it for the step in bitbucket-pipelines.yml:\n"
            f"  oidc:\n    audiences:\n      - {audience}"
        )
