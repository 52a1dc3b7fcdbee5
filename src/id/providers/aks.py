"""AKS workload identity: the federated token file, for `api://AzureADTokenExchange`."""

from __future__ import annotations

from ._file import FileTokenProvider


class AzureWorkloadIdentity(FileTokenProvider):
    """A pod with Azure workload identity (AKS), or anything that sets the same variable."""

    name = "aks"
    path_variable = "AZURE_FEDERATED_TOKEN_FILE"

    def wrong_audience(self, audience: str) -> str:
        """The audience is fixed for Entra ID's token exchange."""
        return (
            "AKS workload identity tokens are for api://AzureADTokenExchange: ask for that audience"
        )
