"""env0: `ENV0_OIDC_TOKEN` in deployments of organisations that enabled it; fixed audience."""

from __future__ import annotations

from ._variable import VariableTokenProvider


class Env0(VariableTokenProvider):
    """An env0 deployment. The token variable is the signal: env0 documents no other."""

    name = "env0"
    token_variable = "ENV0_OIDC_TOKEN"  # noqa: S105 - a variable's name

    def missing(self) -> str:
        """Cannot happen: the variable is the signal."""
        return "enable OIDC in the organisation's policies"

    def wrong_audience(self, audience: str) -> str:
        """The audience is fixed by env0."""
        return "env0 issues tokens for one fixed audience: configure the relying party to accept it"
