"""Spacelift: `SPACELIFT_OIDC_TOKEN` in every run, for the account's host."""

from __future__ import annotations

from ._variable import VariableTokenProvider


class Spacelift(VariableTokenProvider):
    """A Spacelift run. Spacelift sets no other variable known to mark its runs, so the token
    variable itself is the signal (unverified against its documentation)."""

    name = "spacelift"
    token_variable = "SPACELIFT_OIDC_TOKEN"  # noqa: S105 - a variable's name

    def missing(self) -> str:
        """Cannot happen: the variable is the signal."""
        return "the run has no OIDC token"

    def wrong_audience(self, audience: str) -> str:
        """The audience is the account's host."""
        return (
            "Spacelift's token is for the account's host (ACCOUNT.app.spacelift.io): ask for that "
            "audience, or configure the relying party to accept it"
        )
