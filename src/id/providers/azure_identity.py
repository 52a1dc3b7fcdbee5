"""Azure managed identity (opt-in): App Service / Functions' identity endpoint, or a VM's IMDS.

What comes back is an Entra ID *access token* for the resource asked for (a JWT whose `aud` is
that resource), not an OpenID Connect ID token.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

IMDS_VARIABLE = "ID_AZURE_IMDS_ENDPOINT"
DEFAULT_IMDS = "http://169.254.169.254"
# IMDS answers within milliseconds on an Azure VM; elsewhere nothing answers at all.
IMDS_PROBE_SECONDS = 3.0


class AzureManagedIdentity(Provider):
    """The managed identity of an App Service app, a Function, or a VM."""

    name = "azure-identity"

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """App Service's variables, or IMDS (which only a request can confirm)."""
        if environ.get("IDENTITY_ENDPOINT") and environ.get("IDENTITY_HEADER"):
            return "IDENTITY_ENDPOINT and IDENTITY_HEADER are set (App Service)"
        return "IMDS, probed when asked"

    def fetch(self, audience: str, context: Context) -> str:
        """An access token for the resource `audience`."""
        from .._http import Request
        from .._values import with_query

        environ = context.environ
        if environ.get("IDENTITY_ENDPOINT") and environ.get("IDENTITY_HEADER"):
            where = "the App Service identity endpoint"
            query = {"resource": audience, "api-version": "2019-08-01"}
            header = context.secret("IDENTITY_HEADER")
            request = Request(
                "GET",
                with_query(context.url("IDENTITY_ENDPOINT"), query),
                headers={"X-IDENTITY-HEADER": header},
                secrets=[header],
            )
        else:
            where = "IMDS"
            base = environ.get(IMDS_VARIABLE) or DEFAULT_IMDS
            query = {"api-version": "2018-02-01", "resource": audience}
            request = Request(
                "GET",
                with_query(f"{base}/metadata/identity/oauth2/token", query),
                headers={"Metadata": "true"},
                seconds=IMDS_PROBE_SECONDS,
            )
        response = context.http.send(request)
        if response.status != 200:
            raise AmbientCredentialError(
                f"{where} answered {response.describe()}: is a managed identity "
                "assigned to this resource?"
            )
        return token_field(response, "access_token", self.title, where)
