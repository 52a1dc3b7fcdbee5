"""Google Cloud: the metadata server's identity endpoint, or IAM `generateIdToken` to act as
another service account (`GOOGLE_SERVICE_ACCOUNT_NAME`).

Skip or raise: the signals of the metadata path (a Google DMI product name, a serverless runtime's
variables, google-auth's `GCE_METADATA_HOST`) exist whether or not anyone wants a token, so a
metadata server that does not answer or has no service account is skipped and detection goes on.
`GOOGLE_SERVICE_ACCOUNT_NAME` is `id`'s own request to impersonate: its failures are errors, as in
PyPI's `id` 1.6.1.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from . import DMI_PRODUCT_NAME
from ._answers import token_field
from ._base import Context, Provider, Skipped

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from .._http import Response

TITLE = "Google Cloud"  # the title of its spec, for the answer parsers below
DEFAULT_METADATA_HOST = "metadata.google.internal"
DEFAULT_IAM_ENDPOINT = "https://iamcredentials.googleapis.com"
IAM_ENDPOINT_VARIABLE = "ID_GCP_IAM_ENDPOINT"
SERVICE_ACCOUNT_VARIABLE = "GOOGLE_SERVICE_ACCOUNT_NAME"
_ACCOUNT_PATH = "/computeMetadata/v1/instance/service-accounts/default"
_FLAVOR = {"Metadata-Flavor": "Google"}
# The access token's scope, as PyPI's id 1.6.1 asks: IAM Credentials may refuse one without it.
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def metadata_host(environ: Mapping[str, str]) -> str:
    """The metadata server's host[:port], chosen like google-auth does."""
    return (
        environ.get("GCE_METADATA_HOST") or environ.get("GCE_METADATA_IP") or DEFAULT_METADATA_HOST
    )


def token_from_identity_answer(response: Response) -> str:
    """The token in the metadata server's identity answer (the JWT as plain text); `Skipped` when
    the server has none to give."""
    if response.status == 404:
        raise Skipped(
            f"the metadata server has no default service account ({response.describe()}): "
            "attach a service account to this workload for its identity tokens"
        )
    if response.status != 200:
        raise Skipped(f"the metadata server's identity endpoint answered {response.describe()}")
    return response.text().strip()


def token_from_iam_answer(response: Response) -> str:
    """The token in IAM generateIdToken's answer, `{"token": "<jwt>"}`."""
    return token_field(response, "token", TITLE, "IAM generateIdToken")


class GoogleCloud(Provider):
    """Compute Engine, GKE, Cloud Run, Cloud Functions and Cloud Build workloads."""

    name = "gcp"

    def __init__(self, dmi_product_name: str = DMI_PRODUCT_NAME) -> None:
        self._dmi_product_name = dmi_product_name

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """The registry's presence, with this instance's DMI file (tests name another)."""
        from . import GOOGLE_PRODUCT_NAMES

        return self.spec.presence(environ, files=((self._dmi_product_name, GOOGLE_PRODUCT_NAMES),))

    def fetch(self, audience: str, context: Context) -> str:
        """The identity token of the attached service account, or of the one to impersonate."""
        account = context.environ.get(SERVICE_ACCOUNT_VARIABLE, "").strip()
        if account:
            return self._impersonated(audience, account, context)
        from urllib.parse import urlencode

        from .._http import HttpUnreachableError, Request

        host = metadata_host(context.environ)
        query = urlencode({"audience": audience, "format": "full"})
        url = f"http://{host}{_ACCOUNT_PATH}/identity?{query}"
        try:
            response = context.http.send(Request("GET", url, headers=_FLAVOR))
        except HttpUnreachableError as exc:
            raise Skipped(f"the metadata server at {host} gave no answer: {exc}") from None
        return token_from_identity_answer(response)

    def _impersonated(self, audience: str, account: str, context: Context) -> str:
        from urllib.parse import urlencode

        from .._http import Request

        http = context.http
        scopes = urlencode({"scopes": CLOUD_PLATFORM_SCOPE})
        token_url = f"http://{metadata_host(context.environ)}{_ACCOUNT_PATH}/token?{scopes}"
        response = http.send(Request("GET", token_url, headers=_FLAVOR))
        if response.status != 200:
            raise AmbientCredentialError(
                f"cannot get an access token from the metadata server to act as "
                f"{account} ({response.describe()})"
            )
        access_token = token_field(response, "access_token", TITLE, "the metadata server")
        return generate_id_token(audience, account, access_token, context, self.title)


def generate_id_token(
    audience: str, account: str, access_token: str, context: Context, title: str = TITLE
) -> str:
    """An ID token for `audience` as the service account `account`, from IAM Credentials'
    `generateIdToken` (`ID_GCP_IAM_ENDPOINT` replaces its address), authorised by an access
    token of a principal allowed to act as it."""
    import json
    from urllib.parse import quote

    from .._http import Request

    context.secrets.append(access_token)
    endpoint = context.url(IAM_ENDPOINT_VARIABLE) or DEFAULT_IAM_ENDPOINT
    url = (
        f"{endpoint.rstrip('/')}/v1/projects/-/serviceAccounts/"
        f"{quote(account, safe='@')}:generateIdToken"
    )
    response = context.http.send(
        Request(
            "POST",
            url,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {access_token}"},
            body=json.dumps({"audience": audience, "includeEmail": True}).encode(),
            secrets=[access_token],
        )
    )
    if response.status == 403:
        raise AmbientCredentialError(
            f"{title}: IAM refused to issue an ID token as {account} ({response.describe()}): "
            f"grant the caller roles/iam.serviceAccountOpenIdTokenCreator on {account}"
        )
    if response.status != 200:
        raise AmbientCredentialError(
            f"{title}: IAM generateIdToken for {account} answered {response.describe()}"
        )
    return token_from_iam_answer(response)
