"""Azure Pipelines: the job asks its OIDC request URI for a service connection's token."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field
from ._base import Context, Provider

AUDIENCE = "api://AzureADTokenExchange"
# The Azure CLI task exposes the connection it runs with; ID_AZURE_SERVICE_CONNECTION_ID names
# one anywhere else.
CONNECTION_VARIABLES = ("ID_AZURE_SERVICE_CONNECTION_ID", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID")


class AzurePipelines(Provider):
    """An Azure Pipelines job with a workload-identity service connection."""

    name = "azure-pipelines"
    audience_at_run_time = False

    def fetch(self, audience: str, context: Context) -> str:
        """POST the request URI with the service connection's id and the job's access token."""
        from .._values import with_query

        if audience != AUDIENCE:
            raise AmbientCredentialError(
                f"tokens are always for {AUDIENCE}, not {audience!r}: ask for that "
                "audience (Entra ID exchanges it for the service connection's credentials)"
            )
        environ = context.environ
        uri = context.url("SYSTEM_OIDCREQUESTURI")
        access_token = context.secret("SYSTEM_ACCESSTOKEN")
        connection = next((environ[v] for v in CONNECTION_VARIABLES if environ.get(v)), "")
        if not uri:
            raise AmbientCredentialError("SYSTEM_OIDCREQUESTURI is not set")
        if not access_token:
            raise AmbientCredentialError(
                "SYSTEM_ACCESSTOKEN is not set: map it into the step with\n"
                "  env:\n    SYSTEM_ACCESSTOKEN: $(System.AccessToken)"
            )
        if not connection:
            raise AmbientCredentialError(
                "no service connection id: set ID_AZURE_SERVICE_CONNECTION_ID to "
                "the id of a workload-identity service connection (the AzureCLI task sets "
                "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID)"
            )
        url = with_query(uri, {"api-version": "7.1", "serviceConnectionId": connection})
        from .._http import Request

        response = context.http.send(
            Request(
                "POST",
                url,
                headers={
                    "Content-Type": "application/json",
                    "X-TFS-FedAuthRedirect": "Suppress",
                    "Authorization": f"Bearer {access_token}",
                },
                body=b"",
                secrets=[access_token],
            )
        )
        return token_field(response, "oidcToken", self.title, "the OIDC request URI")
