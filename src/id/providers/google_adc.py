"""Google Application Default Credentials (opt-in `google-adc`, the `google` extra: google-auth).

`GOOGLE_APPLICATION_CREDENTIALS` names a JSON file (else gcloud's own ADC file is used):

- a service-account key: its ID token for the audience, as google-auth's `fetch_id_token` gets
  it (a JWT assertion signed with the key, posted to the file's `token_uri`);
- any other type google-auth reads (authorized user, external account, impersonated service
  account): no ID token for any audience comes from those directly, so `id` acts as the service
  account in `GOOGLE_SERVICE_ACCOUNT_NAME` through IAM Credentials' `generateIdToken`, as
  Google's "Get an ID token" guide describes.

google-auth makes its requests through `id`'s own HTTP client (a `google.auth.transport.Request`),
so the deadline, TLS and secret rules hold. The private key is a secret like any other.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError, MissingExtraError
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

VARIABLE = "GOOGLE_APPLICATION_CREDENTIALS"
ACCOUNT_VARIABLE = "GOOGLE_SERVICE_ACCOUNT_NAME"
GCLOUD_ADC = "~/.config/gcloud/application_default_credentials.json"
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def credentials_path(environ: Mapping[str, str]) -> str:
    """The ADC file: the variable's, or gcloud's."""
    import os

    return environ.get(VARIABLE) or os.path.expanduser(GCLOUD_ADC)


class GoogleAdc(Provider):
    """Whoever Google's Application Default Credentials name."""

    name = "google-adc"

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Available when the ADC file exists."""
        import os

        if environ.get(VARIABLE):
            return f"{VARIABLE} is set"
        return f"{GCLOUD_ADC} exists" if os.path.exists(credentials_path(environ)) else None

    def fetch(self, audience: str, context: Context) -> str:
        """The ID token of the key's service account, or of the one to act as."""
        info = self._read(context)
        try:
            import google.auth.exceptions
        except ImportError:
            raise MissingExtraError(
                "this provider needs google-auth: pip install 'id[google]'"
            ) from None
        from .._redact import summarize

        _check_file_source(info, self.title)
        request = _Transport(context)
        try:
            return context.deadline.bound(lambda: self._token(info, audience, request, context))
        except TimeoutError:
            raise AmbientCredentialError(
                f"no token within the {context.deadline.total:g} s deadline (ID_TIMEOUT)"
            ) from None
        except (google.auth.exceptions.GoogleAuthError, ValueError) as exc:
            raise AmbientCredentialError(f"{summarize(str(exc))}") from None

    def _token(self, info: dict[str, Any], audience: str, request: Any, context: Context) -> str:
        if info.get("type") == "service_account":
            from google.oauth2 import service_account

            key = service_account.IDTokenCredentials.from_service_account_info(
                info, target_audience=audience
            )
            key.refresh(request)
            return str(key.token)
        return self._impersonated(info, audience, request, context)

    def _read(self, context: Context) -> dict[str, Any]:
        import json

        from ._file import read_token_file

        path = credentials_path(context.environ)
        text = read_token_file(path, self.title, VARIABLE)
        context.secrets.append(text)
        try:
            info = json.loads(text)
        except ValueError:
            info = None
        if not isinstance(info, dict):
            raise AmbientCredentialError(
                f"{path} (named by {VARIABLE}) is not a credentials JSON file"
            )
        for field in ("private_key", "client_secret", "refresh_token"):
            if isinstance(info.get(field), str):
                context.secrets.append(info[field])
        return info

    def _impersonated(
        self, info: dict[str, Any], audience: str, request: Any, context: Context
    ) -> str:
        from .gcp import generate_id_token

        account = context.environ.get(ACCOUNT_VARIABLE, "").strip()
        if not account:
            raise AmbientCredentialError(
                f"{info.get('type')!r} credentials give no ID token for an "
                f"audience of your choice: name a service account to act as in {ACCOUNT_VARIABLE} "
                "(the credentials need roles/iam.serviceAccountOpenIdTokenCreator on it)"
            )
        source = _source_credentials(info)
        source.refresh(request)
        return generate_id_token(audience, account, str(source.token), context, self.title)


def _check_file_source(info: dict[str, Any], title: str) -> None:
    """An `external_account` file's `credential_source.file` is read by google-auth, which would
    block on a FIFO: it is checked first as `id`'s own token files are (a regular file)."""
    source = info.get("credential_source")
    path = source.get("file") if isinstance(source, dict) else None
    if isinstance(path, str):
        from ._file import read_token_file

        read_token_file(path, title, f"{VARIABLE}'s credential_source.file")


def _source_credentials(info: dict[str, Any]) -> Any:
    """Credentials of the file's own type, loaded by that type's loader (google-auth warns
    against its generic one), scoped for IAM."""
    scopes = [CLOUD_PLATFORM_SCOPE]
    kind = info.get("type")
    if kind == "authorized_user":
        from google.oauth2 import credentials

        user = credentials.Credentials.from_authorized_user_info(info, scopes=scopes)
        # google-auth always uses Google's token endpoint for a user; the file's own `token_uri`
        # is honoured here so that an emulator can stand in (whoever writes the file holds its
        # refresh token already, and the request still needs TLS except to loopback).
        token_uri = info.get("token_uri")
        return user.with_token_uri(token_uri) if isinstance(token_uri, str) else user
    if kind == "impersonated_service_account":
        from google.auth import impersonated_credentials

        loaded = impersonated_credentials.Credentials.from_impersonated_service_account_info(info)
        return loaded.with_scopes(scopes)
    if kind == "external_account":
        source = info.get("credential_source")
        source = source if isinstance(source, dict) else {}
        if "environment_id" in source:
            from google.auth import aws as loader
        elif "executable" in source:
            from google.auth import pluggable as loader  # type: ignore[no-redef]
        else:
            from google.auth import identity_pool as loader  # type: ignore[no-redef]
        return loader.Credentials.from_info(info, scopes=scopes)
    raise AmbientCredentialError(
        f"Google Application Default Credentials: the file's type {kind!r} is not one Google "
        "documents (service_account, authorized_user, external_account, "
        "impersonated_service_account)"
    )


#: Headers google-auth sets that carry no credential.
_PLAIN_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "content-type",
        "content-length",
        "user-agent",
        "x-goog-api-client",
        "metadata-flavor",
        "x-goog-user-project",
    }
)


class _Transport:
    """google-auth's `Request`, on `id`'s HTTP client: its requests obey the same rules."""

    def __init__(self, context: Context) -> None:
        self._context = context

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> _Response:
        import google.auth.exceptions

        from .._errors import IdentityError
        from .._http import Request

        data = body.encode() if isinstance(body, str) else body
        headers = dict(headers or {})
        # A header google-auth sets is a credential unless known otherwise (an Authorization
        # header, one a credential_source.url names); the assertion, refresh token or client
        # secret may be in a POST's body.
        secrets = [v for k, v in headers.items() if k.lower() not in _PLAIN_HEADERS]
        if data and method == "POST":
            secrets.extend(self._context.secrets)
        try:
            response = self._context.http.send(
                Request(method, url, headers=headers, body=data, secrets=secrets, seconds=timeout)
            )
        except IdentityError as exc:
            raise google.auth.exceptions.TransportError(str(exc)) from None
        return _Response(response.status, response.headers, response.body)


class _Response:
    """google-auth's `Response`: status, headers, data."""

    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self.status = status
        self.headers = headers
        self.data = data
