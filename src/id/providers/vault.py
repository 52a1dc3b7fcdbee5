"""HashiCorp Vault identity tokens (opt-in): `GET $VAULT_ADDR/v1/identity/oidc/token/<role>` with
the caller's Vault token; the role, named by `ID_VAULT_ROLE`, fixes the audience (its client id).

Opt-in: `VAULT_ADDR` and `VAULT_TOKEN` sit on many laptops and jobs, and their presence does not
mean a Vault identity token is wanted.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

ROLE_VARIABLE = "ID_VAULT_ROLE"


class Vault(Provider):
    """The Vault entity behind `VAULT_TOKEN`."""

    name = "vault"
    audience_at_run_time = False

    def detect(self, environ: Mapping[str, str]) -> str | None:
        """Available when `VAULT_ADDR` and `VAULT_TOKEN` are set."""
        if environ.get("VAULT_ADDR") and environ.get("VAULT_TOKEN"):
            return "VAULT_ADDR and VAULT_TOKEN are set"
        return None

    def fetch(self, audience: str, context: Context) -> str:
        """The role's identity token, whose audience is the role's client id."""
        from urllib.parse import quote

        from .._http import Request

        address = context.url("VAULT_ADDR")
        vault_token = context.secret("VAULT_TOKEN")
        role = context.environ.get(ROLE_VARIABLE, "").strip()
        if not address or not vault_token:
            raise AmbientCredentialError("VAULT_ADDR and VAULT_TOKEN must be set")
        if not role:
            raise AmbientCredentialError(
                f"name the identity-token role in {ROLE_VARIABLE} (its client id is "
                f"the audience: one whose client id is {audience!r})"
            )
        headers = {"X-Vault-Token": vault_token, "Accept": "application/json"}
        namespace = context.environ.get("VAULT_NAMESPACE", "").strip()
        if namespace:
            headers["X-Vault-Namespace"] = namespace
        response = context.http.send(
            Request(
                "GET",
                f"{address.rstrip('/')}/v1/identity/oidc/token/{quote(role, safe='')}",
                headers=headers,
                secrets=[vault_token],
            )
        )
        where = f"Vault's identity/oidc/token/{role}"
        if response.status == 403:
            raise AmbientCredentialError(
                f"{where} answered {response.describe()}: the token's policy needs "
                f'path "identity/oidc/token/{role}" {{ capabilities = ["read"] }}'
            )
        if response.status != 200:
            raise AmbientCredentialError(f"{where} answered {response.describe()}")
        data = response.json_object().get("data")
        token = data.get("token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise AmbientCredentialError(f'{self.title}: {where}\'s answer has no "data.token"')
        return token
