"""Verifying a token against its issuer's published keys (OpenID discovery + JWKS).

PyJWT with `cryptography` does the cryptography (the `verify` extra); this module finds the keys,
caches them as the issuer's cache headers allow, and turns every failure into a clear error.
"""

from __future__ import annotations

import os
import threading
import time

from ._errors import ExpiredIdentity, VerificationError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any


#: Signature algorithms accepted. Never `none`, never HMAC (a public key is no secret).
ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "EdDSA")
DEFAULT_CACHE_SECONDS = 300.0
#: A token whose `kid` is unknown refreshes the keys (the issuer may have rotated them), but at
#: most this often per issuer: a flood of tokens with made-up kids must not become a flood of
#: fetches.
MIN_REFRESH_SECONDS = 60.0
MAX_CACHE_SECONDS = 86400.0
_REQUIRED_CLAIMS = ["iss", "sub", "aud", "iat", "exp"]
#: Issuers whose keys `python -m id --verify` fetches without `--issuer`: public services with
#: one issuer URL for everyone. Any other `iss` in a pasted token could point anywhere (a server
#: on the user's network), so it must be named to be trusted.
PUBLIC_ISSUERS = frozenset(
    {
        "https://token.actions.githubusercontent.com",  # GitHub Actions
        "https://gitlab.com",  # GitLab.com
        "https://accounts.google.com",  # Google
        "https://agent.buildkite.com",  # Buildkite
        "https://oauth2.sigstore.dev/auth",  # Sigstore's public-good instance
    }
)


def cache_seconds(headers: Mapping[str, str]) -> float:
    """How long a response may be reused, from `Cache-Control` (then `Expires`)."""
    from ._http import is_ascii_number

    directives = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.lower()] = value.strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return 0.0
    for name in ("s-maxage", "max-age"):
        if is_ascii_number(directives.get(name, "")):
            return min(float(directives[name]), MAX_CACHE_SECONDS)
    if "expires" in headers:
        from email.utils import parsedate_to_datetime

        try:
            expires = parsedate_to_datetime(headers["expires"]).timestamp()
        except (TypeError, ValueError):
            return 0.0
        return max(0.0, min(expires - time.time(), MAX_CACHE_SECONDS))
    return DEFAULT_CACHE_SECONDS


def _require_pyjwt() -> Any:
    try:
        import jwt
    except ImportError:
        raise VerificationError(
            "verifying a token needs PyJWT and cryptography: pip install 'id[verify]'"
        ) from None
    return jwt


def _check_url(url: str, what: str) -> None:
    from ._http import insecure_url_reason

    reason = insecure_url_reason(url)
    if reason is not None:
        raise VerificationError(f"the {what} {reason}: keys fetched without TLS could be anyone's")


class Verifier:
    """Verifies tokens from one issuer, keeping its keys between calls."""

    def __init__(self, issuer: str, environ: Mapping[str, str] | None = None) -> None:
        _check_url(issuer, "issuer")
        self.issuer = issuer
        self._environ = os.environ if environ is None else environ
        # Guards the key state only: never held across network I/O.
        self._lock = threading.Lock()
        self._keys: dict[str, Any] = {}
        self._parsed: dict[tuple[str | None, str], Any] = {}
        self._keys_expire = 0.0
        # When an unknown kid last refreshed the keys.
        self._last_unknown_refresh = -MIN_REFRESH_SECONDS

    def _fetch_keys(self) -> tuple[dict[str, Any], float]:
        """The issuer's usable signing keys by kid, and until when they may be used."""
        from ._discovery import discover, fetch_json

        jwt = _require_pyjwt()
        discovery = discover(self.issuer, self._environ, VerificationError)
        url = f"the discovery document of {self.issuer}"
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise VerificationError(f"{url} has no jwks_uri")
        jwks, response = fetch_json(jwks_uri, "JWKS", self.issuer, self._environ, VerificationError)
        keys = jwks.get("keys")
        if not isinstance(keys, list):
            raise VerificationError(f'the JWKS of {self.issuer} has no "keys" list')
        usable: dict[str, Any] = {}
        for index, jwk in enumerate(keys):
            if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
                continue
            try:
                # Parsing checks the key's own type; the algorithm is matched per token.
                jwt.PyJWK(jwk, algorithm=jwk.get("alg") or _default_algorithm(jwk))
            except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
                continue
            usable[str(jwk.get("kid", f"#{index}"))] = jwk
        return usable, time.monotonic() + cache_seconds(response.headers)

    def _current_keys(self, *, unknown_kid: bool = False) -> dict[str, Any]:
        """The keys, fetched again when they expired, or for an unknown kid unless another
        unknown kid did so less than `MIN_REFRESH_SECONDS` ago. The fetch runs without the lock
        held."""
        with self._lock:
            now = time.monotonic()
            if now < self._keys_expire:
                if not unknown_kid or now - self._last_unknown_refresh < MIN_REFRESH_SECONDS:
                    return self._keys
                self._last_unknown_refresh = now
        keys, expire = self._fetch_keys()
        with self._lock:
            self._keys, self._parsed, self._keys_expire = keys, {}, expire
        return keys

    def _key(self, kid: str | None, algorithm: str) -> Any:
        jwt = _require_pyjwt()
        keys = self._current_keys()
        with self._lock:
            parsed = self._parsed.get((kid, algorithm))
        if parsed is not None:
            return parsed
        jwk = _find(keys, kid)
        if jwk is None:
            # The issuer may have rotated its keys: look once more, if not looked just now.
            keys = self._current_keys(unknown_kid=True)
            jwk = _find(keys, kid)
        if jwk is None:
            known = ", ".join(sorted(keys)) or "none"
            raise VerificationError(
                f"{self.issuer} publishes no key with kid {kid!r} (its keys: {known})"
            )
        if jwk.get("alg") not in (None, algorithm):
            raise VerificationError(
                f"the token says alg {algorithm}, but key {kid!r} is for {jwk['alg']}"
            )
        try:
            key = jwt.PyJWK(jwk, algorithm=algorithm).key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError) as exc:
            raise VerificationError(
                f"key {kid!r} of {self.issuer} cannot verify {algorithm}: {exc}"
            ) from None
        with self._lock:
            self._parsed[(kid, algorithm)] = key
        return key

    def verify(self, token: str, *, audience: str | Sequence[str], leeway: float) -> dict[str, Any]:
        """Verify `token` (see `IdentityToken.verify`) and return its claims."""
        import json

        from ._jwt import decode_oidc_token

        jwt = _require_pyjwt()
        header = json.loads(decode_oidc_token(token)[0])
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise VerificationError(
                f"the token is signed with alg {algorithm!r}; only {', '.join(ALGORITHMS)} are "
                "accepted"
            )
        kid = header.get("kid")
        key = self._key(kid if isinstance(kid, str) else None, algorithm)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=audience,
                issuer=self.issuer,
                leeway=leeway,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise ExpiredIdentity(f"the token from {self.issuer} has expired") from None
        except jwt.ImmatureSignatureError as exc:
            raise ExpiredIdentity(
                f"the token from {self.issuer} is not valid yet ({exc}); check the clock"
            ) from None
        except jwt.InvalidAudienceError:
            raise VerificationError(f"the token is not for audience {audience!r}") from None
        except jwt.InvalidIssuerError:
            raise VerificationError(f"the token was not issued by {self.issuer}") from None
        except jwt.InvalidSignatureError:
            raise VerificationError(
                f"the token's signature does not verify with {self.issuer}'s key {kid!r}"
            ) from None
        except jwt.PyJWTError as exc:
            raise VerificationError(f"the token does not verify: {exc}") from None
        return claims


def _find(keys: Mapping[str, Any], kid: str | None) -> dict[str, Any] | None:
    """The key named `kid`; without a kid, the only key, if there is one."""
    if kid is not None:
        found: dict[str, Any] | None = keys.get(kid)
        return found
    if len(keys) == 1:
        only: dict[str, Any] = next(iter(keys.values()))
        return only
    return None


def _default_algorithm(jwk: Mapping[str, Any]) -> str:
    """An algorithm that fits a JWK without `alg`, only to parse it."""
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "EC":
        return "ES384" if crv == "P-384" else "ES256"
    if kty == "OKP":
        return "EdDSA"
    return "RS256"


_VERIFIERS: dict[str, Verifier] = {}
_VERIFIERS_LOCK = threading.Lock()


def verifier_for(issuer: str) -> Verifier:
    """The process-wide `Verifier` of `issuer`, so that its keys are fetched once and reused."""
    with _VERIFIERS_LOCK:
        verifier = _VERIFIERS.get(issuer)
        if verifier is None:
            verifier = _VERIFIERS[issuer] = Verifier(issuer)
        return verifier
