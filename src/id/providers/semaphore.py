"""Semaphore: `SEMAPHORE_OIDC_TOKEN`, for the organisation's URL."""

from __future__ import annotations

from ._variable import VariableTokenProvider


class Semaphore(VariableTokenProvider):
    """A Semaphore job."""

    name = "semaphore"
    token_variable = "SEMAPHORE_OIDC_TOKEN"  # noqa: S105 - a variable's name

    def missing(self) -> str:
        """OIDC tokens are an organisation setting."""
        return "enable OIDC tokens in the organisation's settings (OIDC Token tab)"

    def wrong_audience(self, audience: str) -> str:
        """The audience is the organisation's URL."""
        return (
            "Semaphore's token is for the organisation's URL (https://ORG.semaphoreci.com): ask "
            "for that audience, or configure the relying party to accept it"
        )
