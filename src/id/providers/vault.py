"""HashiCorp Vault identity tokens (opt-in): `GET $VAULT_ADDR/v1/identity/oidc/token/<role>` with
the caller's Vault token; the role, named by `ID_VAULT_ROLE`, fixes the audience (its client id).

Opt-in: `VAULT_ADDR` and `VAULT_TOKEN` sit on many laptops and jobs, and their presence does not
mean a Vault identity token is wanted.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._answers import token_field
from ._base import Context, Provider

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

ROLE_VARIABLE = "ID_VAULT_ROLE"


def vault_headers(environ: Mapping[str, str], headers: Mapping[str, str]) -> dict[str, str]:
    """`headers` and what every request to Vault carries: JSON, and the namespace in
    `VAULT_NAMESPACE` (Vault Enterprise, HCP Vault), as Vault's own CLI sends it."""
    sent = {"Accept": "application/json", **headers}
    namespace = environ.get("VAULT_NAMESPACE", "").strip()
    if namespace:
        sent["X-Vault-Namespace"] = namespace
    return sent


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
        headers = vault_headers(context.environ, {"X-Vault-Token": vault_token})
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
        return token_field(response, "data.token", self.title, where)
