"""HashiCorp Vault: JWT auth login (`POST $VAULT_ADDR/v1/auth/<mount>/login`) with the platform's
token, for a Vault client token."""

from __future__ import annotations

from ._common import ExchangeError, identity

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: The audience asked for unless `audience=` says otherwise: the role's `bound_audiences` must
#: hold it.
DEFAULT_AUDIENCE = "vault"


def vault_token(
    role: str,
    *,
    mount: str = "jwt",
    audience: str = DEFAULT_AUDIENCE,
    environ: Mapping[str, str] | None = None,
) -> str:
    """A Vault client token from logging in to the JWT auth method at `mount` as `role`."""
    import json
    import os
    from urllib.parse import quote

    from .._http import Request, request_once
    from .._redact import redact

    environ = os.environ if environ is None else environ
    address = environ.get("VAULT_ADDR", "").strip()
    if not address:
        raise ExchangeError("Vault: VAULT_ADDR is not set: set it to the Vault server's URL")
    token = identity(audience, environ, "Vault")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    namespace = environ.get("VAULT_NAMESPACE", "").strip()
    if namespace:
        headers["X-Vault-Namespace"] = namespace
    response = request_once(
        Request(
            "POST",
            f"{address.rstrip('/')}/v1/auth/{quote(mount, safe='/')}/login",
            headers=headers,
            body=json.dumps({"role": role, "jwt": token}).encode(),
            secrets=[token],
        ),
        environ,
    )
    if response.status != 200:
        raise ExchangeError(
            redact(
                f"Vault refused the login as role {role!r} at auth/{mount} "
                f"({response.describe()}): check the role's bound_audiences (this token is for "
                f"{audience!r}) and bound_claims",
                [token],
            )
        )
    auth = response.json_object().get("auth")
    client_token = auth.get("client_token") if isinstance(auth, dict) else None
    if not isinstance(client_token, str) or not client_token:
        raise ExchangeError("Vault: the login answer has no auth.client_token")
    return client_token
