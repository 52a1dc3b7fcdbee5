"""An OpenID issuer for tests: real keys, real signed JWTs, discovery and JWKS documents."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from typing import Any, Union

try:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise ImportError(
        "id.testing needs PyJWT and cryptography: pip install 'id[testing]'"
    ) from error

from ._server import Faults, Reply, Request, Route, Served

DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/.well-known/jwks"
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]


def generate_key(algorithm: str) -> PrivateKey:
    """A fresh private key of the type `algorithm` signs with."""
    if algorithm.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unsupported algorithm {algorithm!r}; choose one of {ALGORITHMS}")


class OIDCIssuer(Served):
    """Mints signed ID tokens and publishes its keys, like a platform's token service.

    Each instance has its own key (RSA 2048 for RS*/PS*, P-256/P-384 for ES256/ES384, Ed25519
    for EdDSA), so tokens from one test never verify in another. Used as a context manager it
    serves its discovery document and JWKS on 127.0.0.1 and `url` becomes that server's URL;
    `jwks_faults` then apply to the JWKS endpoint, and `jwks_cache_control` is sent with it.
    """

    def __init__(
        self,
        url: str = "https://issuer.invalid",
        *,
        algorithm: str = "RS256",
        jwks_faults: Faults | None = None,
        jwks_cache_control: str | None = "max-age=300",
    ) -> None:
        self.url = url
        self.algorithm = algorithm
        self.jwks_faults = jwks_faults
        self.jwks_cache_control = jwks_cache_control
        self._keys: list[tuple[str, PrivateKey]] = []
        self.rotate_key()

    @property
    def key_id(self) -> str:
        """The `kid` of the current signing key."""
        return self._keys[-1][0]

    def rotate_key(self, *, keep_old: bool = False) -> str:
        """Sign with a new key from now on; returns its `kid`. The old key leaves the JWKS
        unless `keep_old` is true."""
        if not keep_old:
            self._keys.clear()
        key_id = secrets.token_hex(8)
        self._keys.append((key_id, generate_key(self.algorithm)))
        return key_id

    def mint(
        self,
        claims: Mapping[str, Any] | None = None,
        *,
        lifetime: float = 300,
        issued_at: float | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed JWT: `iss`, `iat`, `nbf`, `exp` and `jti` filled in, then `claims` (a claim
        given as None is left out, e.g. `{"jti": None}`).

        A negative `lifetime` gives an expired token; `headers` are added to the JOSE header.
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
        payload = {name: value for name, value in payload.items() if value is not None}
        key_id, key = self._keys[-1]
        return jwt.encode(
            payload,
            key,
            algorithm=self.algorithm,
            headers={"kid": key_id, "typ": "JWT", **(headers or {})},
        )

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set holding this issuer's public keys."""
        algorithm = jwt.get_algorithm_by_name(self.algorithm)
        keys = []
        for key_id, key in self._keys:
            jwk = algorithm.to_jwk(key.public_key(), as_dict=True)
            jwk.update({"kid": key_id, "alg": self.algorithm, "use": "sig"})
            keys.append(jwk)
        return {"keys": keys}

    def discovery(self) -> dict[str, Any]:
        """The OpenID Connect discovery document."""
        return {
            "issuer": self.url,
            "jwks_uri": self.url.rstrip("/") + JWKS_PATH,
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [self.algorithm],
            "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
        }

    def routes(self) -> dict[str, Route]:
        """The discovery and JWKS endpoints, for a server that hosts this issuer."""

        def jwks(_request: Request) -> Reply:
            reply = Reply.json(200, self.jwks())
            if self.jwks_cache_control:
                reply.headers["Cache-Control"] = self.jwks_cache_control
            return reply

        return {DISCOVERY_PATH: lambda _request: Reply.json(200, self.discovery()), JWKS_PATH: jwks}

    @property
    def requests(self) -> list[Request]:
        """Every request this issuer's own server received (when used as a context manager)."""
        return self.server.requests if self.server is not None else []

    def server_faults(self) -> Faults | None:
        return self.jwks_faults

    def started(self, url: str) -> None:
        self.url = url

    def reliable_paths(self) -> frozenset[str]:
        return frozenset({DISCOVERY_PATH})


def verified_claims(token: str, issuer: str, audience: str) -> dict[str, Any] | str:
    """The token's claims if it verifies against `issuer` for `audience`; else why not."""
    try:
        key = jwt.PyJWKClient(f"{issuer}/.well-known/jwks").get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=["RS256"], audience=audience, issuer=issuer
        )
    except jwt.PyJWTError as exc:
        return str(exc)
    return claims
