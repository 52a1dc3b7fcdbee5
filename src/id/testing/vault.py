"""HashiCorp Vault's identity tokens: `GET /v1/identity/oidc/token/<role>` with `X-Vault-Token`."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

TOKEN_PREFIX = "/v1/identity/oidc/token/"  # noqa: S105 - a path


class Vault(Emulator):
    """A Vault server whose identity-token `roles` ({role: client id}) the caller's token may
    read (`readable=False`: its policy lacks `read`, 403). `namespace` makes Vault require
    `X-Vault-Namespace`."""

    platform = "vault"

    roles: Mapping[str, str] = MappingProxyType({"pypi": "pypi"})
    role: str = "pypi"
    readable: bool = True
    namespace: str | None = None
    lifetime: float = 86400

    def __post_init__(self) -> None:
        super().__post_init__()
        self.vault_token = "hvs." + secrets.token_urlsafe(24)

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """A Vault entity's token: the entity id as subject."""
        return {
            "sub": "7f2c6b1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
            "namespace": self.namespace or "root",
        }

    def prefix_routes(self) -> dict[str, Route]:
        """identity/oidc/token/<role>."""
        return {TOKEN_PREFIX: self._token}

    def _token(self, request: Request) -> Reply:
        if request.method not in ("GET", "POST"):
            return Reply.json(405, {"errors": ["unsupported operation"]})
        if request.headers.get("x-vault-token") != self.vault_token or not self.readable:
            return Reply.json(403, {"errors": ["permission denied"]})
        if self.namespace and request.headers.get("x-vault-namespace") != self.namespace:
            return Reply.json(403, {"errors": ["permission denied"]})
        role = request.path[len(TOKEN_PREFIX) :]
        if role not in self.roles:
            return Reply.json(400, {"errors": [f'role "{role}" not found']})
        client_id = self.roles[role]
        data = {"client_id": client_id, "token": self.mint(client_id), "ttl": int(self.lifetime)}
        return Reply.json(200, {"data": data, "wrap_info": None, "warnings": None})

    def job_environ(self) -> dict[str, str]:
        """The caller's Vault address and token, and the role to ask."""
        environ = {
            "VAULT_ADDR": self.url,
            "VAULT_TOKEN": self.vault_token,
            "ID_VAULT_ROLE": self.role,
        }
        if self.namespace:
            environ["VAULT_NAMESPACE"] = self.namespace
        return environ
