"""An OpenID issuer for tests: a real RSA key, real RS256 JWTs, discovery and JWKS documents."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/.well-known/jwks"


class OIDCIssuer:
    """Mints signed ID tokens and describes its keys, like a platform's token service.

    Each instance has its own 2048-bit RSA key, so tokens from one test never verify in another.
    """

    def __init__(self, url: str = "https://issuer.invalid") -> None:
        self.url = url
        self.key_id = secrets.token_hex(8)
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def mint(
        self,
        claims: Mapping[str, Any] | None = None,
        *,
        lifetime: float = 300,
        issued_at: float | None = None,
    ) -> str:
        """A signed RS256 JWT: `iss`, `iat`, `nbf`, `exp` and `jti` filled in, then `claims`.

        A negative `lifetime` gives an expired token.
        """
        now = int(time.time() if issued_at is None else issued_at)
        payload: dict[str, Any] = {
            "iss": self.url,
            "iat": now,
            "nbf": now,
            "exp": int(now + lifetime),
            "jti": secrets.token_hex(16),
        }
        payload.update(claims or {})
        return jwt.encode(
            payload,
            self._private_key,
            algorithm="RS256",
            headers={"kid": self.key_id, "typ": "JWT"},
        )

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set holding this issuer's public key."""
        jwk = RSAAlgorithm.to_jwk(self._private_key.public_key(), as_dict=True)
        jwk.update({"kid": self.key_id, "alg": "RS256", "use": "sig"})
        return {"keys": [jwk]}

    def discovery(self) -> dict[str, Any]:
        """The OpenID Connect discovery document."""
        return {
            "issuer": self.url,
            "jwks_uri": self.url.rstrip("/") + JWKS_PATH,
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
        }
