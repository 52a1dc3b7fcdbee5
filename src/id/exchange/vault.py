"""HashiCorp Vault: JWT auth login (`POST $VAULT_ADDR/v1/auth/<mount>/login`) with the platform's
token, for a Vault client token."""

from __future__ import annotations

from ._common import ExchangeError, identity, publisher_claims, received, who

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
    import os

    from .._deadline import Deadline

    environ = os.environ if environ is None else environ
    address = environ.get("VAULT_ADDR", "").strip()
    if not address:
        raise ExchangeError("Vault: VAULT_ADDR is not set: set it to the Vault server's URL")
    with Deadline.shared(environ):
        token = identity(audience, environ, "Vault")
        return _login(address, role, mount=mount, audience=audience, token=token, environ=environ)


def _login(
    address: str, role: str, *, mount: str, audience: str, token: str, environ: Mapping[str, str]
) -> str:
    import json
    from urllib.parse import quote

    from .._http import Request, request_once
    from ..providers.vault import vault_headers

    headers = vault_headers(environ, {"Content-Type": "application/json"})
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
        described = response.describe()
        if "role" in described and ("not found" in described or "could not be found" in described):
            advice = f"check that the role {role!r} exists at auth/{mount}, and the mount path"
        else:
            advice = (
                f"check the role's bound_audiences (this token is for {audience!r}) and "
                f"bound_claims; the token's claims: {who(token, ('aud', *publisher_claims()))}"
            )
        raise ExchangeError(
            f"Vault refused the login as role {role!r} at auth/{mount} ({described}): {advice}"
        )
    client_token = response.string_field("auth.client_token")
    if client_token is None:
        raise ExchangeError("Vault: the login answer has no auth.client_token")
    return received(client_token)
