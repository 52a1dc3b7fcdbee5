"""Google Cloud workload identity federation, through google-auth's executable-sourced
credentials: google-auth runs `python -m id.exchange gcp` with `GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE`
(and the token type and output file variables) set, and reads the versioned JSON it prints.

The token `id` gets is for the provider's default allowed audience, `https:` and the pool
provider's resource name (`audience=` for another one it allows).
"""

from __future__ import annotations

from ._common import ExchangeError, identity

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

AUDIENCE_VARIABLE = "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE"
TOKEN_TYPE_VARIABLE = "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE"  # noqa: S105 - a name
OUTPUT_FILE_VARIABLE = "GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105 - a type's name
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"  # noqa: S105 - a type's name
STS_URL = "https://sts.googleapis.com/v1/token"


def executable_response(
    *, audience: str | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The executable-sourced credential response (version 1): the ID token and its expiry, or
    `success: false` with a code and a message. Never raises for a missing identity: google-auth
    reads the failure from the response."""
    import os

    from .._errors import IdentityError
    from .._token import IdentityToken

    environ = os.environ if environ is None else environ
    token_type = environ.get(TOKEN_TYPE_VARIABLE) or ID_TOKEN_TYPE
    pool_provider = environ.get(AUDIENCE_VARIABLE, "").strip()
    if audience is None and not pool_provider:
        return _failure(
            "MISSING_AUDIENCE",
            f"{AUDIENCE_VARIABLE} is not set: google-auth sets it from the credential "
            "configuration's audience",
        )
    wanted = audience or f"https:{pool_provider}"
    try:
        token = identity(wanted, environ, "Google Cloud")
        expiry = int(IdentityToken(token).claims["exp"])
    except IdentityError as exc:
        return _failure("NO_IDENTITY", str(exc))
    return {
        "version": 1,
        "success": True,
        "token_type": token_type
        if token_type in (ID_TOKEN_TYPE, JWT_TOKEN_TYPE)
        else ID_TOKEN_TYPE,
        "id_token": token,
        "expiration_time": expiry,
    }


def _default_command() -> str:
    import sys

    # google-auth splits the command at whitespace, so an interpreter path holding a space
    # cannot be named in it.
    if not sys.executable or any(c.isspace() for c in sys.executable):
        raise ExchangeError(
            f"Google Cloud: this interpreter's path {sys.executable!r} is empty or holds a "
            "space, which google-auth's executable command cannot contain: pass command="
        )
    return f"{sys.executable} -m id.exchange gcp"


def _failure(code: str, message: str) -> dict[str, Any]:
    return {"version": 1, "success": False, "code": code, "message": message}


def external_account_config(
    pool_provider: str,
    *,
    service_account: str | None = None,
    command: str | None = None,
    output_file: str | None = None,
    token_url: str = STS_URL,
) -> dict[str, Any]:
    """The `external_account` credential configuration that runs `command`: give it to
    google-auth (`GOOGLE_APPLICATION_CREDENTIALS`, and `GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1`
    to let it run executables).
    `pool_provider` is `//iam.googleapis.com/projects/NUMBER/locations/global/
    workloadIdentityPools/POOL/providers/PROVIDER`. `command` defaults to this interpreter
    (`sys.executable`) running `-m id.exchange gcp`, not whatever `python` is first on PATH."""
    if command is None:
        command = _default_command()
    if not pool_provider.startswith("//iam.googleapis.com/"):
        raise ExchangeError(
            "Google Cloud: the audience is the pool provider's resource name, "
            "//iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/"
            "providers/PROVIDER"
        )
    executable: dict[str, Any] = {"command": command, "timeout_millis": 30000}
    if output_file:
        executable["output_file"] = output_file
    config: dict[str, Any] = {
        "type": "external_account",
        "audience": pool_provider,
        "subject_token_type": ID_TOKEN_TYPE,
        "token_url": token_url,
        "credential_source": {"executable": executable},
    }
    if service_account:
        config["service_account_impersonation_url"] = (
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
            f"{service_account}:generateAccessToken"
        )
    return config
