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
REQUIRED_CLAIMS = ("iss", "sub", "aud", "iat", "exp")
#: Sigstore's public-good instance: a public issuer that is no platform of the registry.
SIGSTORE_ISSUER = "https://oauth2.sigstore.dev/auth"


def public_issuers() -> frozenset[str]:
    """Issuers whose keys `python -m id --verify` fetches without `--issuer`: public services
    with one issuer URL for everyone (each platform's `public_issuer` in the registry, and
    Sigstore's). Any other `iss` in a pasted token could point anywhere (a server on the user's
    network), so it must be named to be trusted."""
    from .providers import SPECS

    return frozenset({SIGSTORE_ISSUER, *(s.public_issuer for s in SPECS if s.public_issuer)})


def cache_seconds(headers: Mapping[str, str]) -> float:
    """How long a response may be reused, from `Cache-Control` (then `Expires`)."""
    from ._values import is_ascii_number

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


#: Distinct token headers remembered per issuer (a few keys and algorithms in practice); past
#: this many, made-up headers start the memory afresh.
MAX_KNOWN_HEADERS = 64
#: How long keys may go on being used after they expired, while the issuer cannot be reached.
DEFAULT_MAX_STALE = 3600.0
#: After a failed fetch, the next attempt waits at least this long (stale keys are used
#: meanwhile): an outage of the issuer must not become a fetch per token.
RETRY_AFTER_FAILURE = 10.0


class _Fetch:
    """One fetch of the keys under way: whoever needs it waits for this one, not a second."""

    __slots__ = ("done", "error")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None


class IssuerKeys:
    """One issuer's signing keys, fetched by discovery and kept between tokens.

    - They are kept as long as the JWKS answer's cache headers allow, and fetched again after.
    - A token whose `kid` is unknown fetches them again (the issuer may have rotated), at most
      once per `MIN_REFRESH_SECONDS`: made-up kids must not become a flood of fetches.
    - One fetch at a time, however many threads ask: the others wait for its outcome. No lock is
      held across the network: a token whose key is known never waits on a fetch.
    - When the issuer cannot be reached, the keys already fetched go on being used for up to
      `max_stale` seconds past their expiry (logged); they are never dropped on a failed fetch.
    """

    def __init__(
        self,
        issuer: str,
        environ: Mapping[str, str] | None = None,
        *,
        max_stale: float = DEFAULT_MAX_STALE,
    ) -> None:
        _check_url(issuer, "issuer")
        self.issuer = issuer
        self.max_stale = max_stale
        self._environ = os.environ if environ is None else environ
        # Guards the state below only: never held across network I/O.
        self._lock = threading.Lock()
        self._keys: dict[str, Any] = {}
        self._parsed: dict[tuple[str | None, str], Any] = {}
        self._keys_expire = 0.0
        # No fetch before this (after a failure).
        self._next_attempt = 0.0
        # When an unknown kid last refreshed the keys.
        self._last_unknown_refresh = -MIN_REFRESH_SECONDS
        self._fetch_under_way: _Fetch | None = None
        #: How many times the keys were fetched (for tests and benchmarks).
        self.fetches = 0
        # Headers read before, by their base64url text: (alg, kid). Replaced whole, never
        # changed, so it is read without a lock.
        self._headers: dict[str, tuple[str, str | None]] = {}

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
        if not usable:
            # An empty key set is never kept: it would refuse every token until it expired.
            raise VerificationError(f"the JWKS of {self.issuer} holds no usable signing key")
        return usable, time.monotonic() + cache_seconds(response.headers)

    def _refresh(self) -> None:
        """Fetch the keys, or wait for the fetch another thread has under way."""
        with self._lock:
            fetch = self._fetch_under_way
            leader = fetch is None
            if fetch is None:
                fetch = self._fetch_under_way = _Fetch()
        if not leader:
            fetch.done.wait()
            if fetch.error is not None:
                raise fetch.error
            return
        try:
            keys, expire = self._fetch_keys()
        except BaseException as exc:
            fetch.error = exc
            with self._lock:
                self._next_attempt = time.monotonic() + RETRY_AFTER_FAILURE
            raise
        else:
            with self._lock:
                self._keys, self._parsed, self._keys_expire = keys, {}, expire
                self.fetches += 1
        finally:
            with self._lock:
                self._fetch_under_way = None
            fetch.done.set()

    def _current_keys(self, *, unknown_kid: bool = False) -> dict[str, Any]:
        """The keys, fetched again when they expired, or for an unknown kid unless another
        unknown kid did so less than `MIN_REFRESH_SECONDS` ago; stale ones while the issuer
        cannot be reached, for up to `max_stale` seconds."""
        with self._lock:
            now = time.monotonic()
            fresh = now < self._keys_expire
            if fresh and not unknown_kid:
                return self._keys
            if fresh and now - self._last_unknown_refresh < MIN_REFRESH_SECONDS:
                return self._keys
            if unknown_kid:
                self._last_unknown_refresh = now
            stale_usable = bool(self._keys) and now - self._keys_expire <= self.max_stale
            if stale_usable and now < self._next_attempt:
                return self._keys
        try:
            self._refresh()
        except VerificationError as exc:
            with self._lock:
                keys = self._keys
                now = time.monotonic()
                usable = bool(keys) and (
                    now < self._keys_expire or now - self._keys_expire <= self.max_stale
                )
            if not usable:
                raise
            from . import _log

            _log.warning(
                "%s: the keys could not be fetched again (%s); using the ones fetched before "
                "(for up to %g s past their expiry)",
                self.issuer,
                exc,
                self.max_stale,
            )
            return keys
        with self._lock:
            return self._keys

    def key(self, kid: str | None, algorithm: str) -> Any:
        """The key, parsed for `algorithm`, that verifies a token with `kid`."""
        # The path of almost every token: fresh keys, this one parsed before. Reading the
        # expiry and one dict (replaced whole on a refresh, never changed) needs no lock.
        if time.monotonic() < self._keys_expire:
            known = self._parsed.get((kid, algorithm))
            if known is not None:
                return known
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

    def verify(
        self,
        token: str,
        *,
        audience: str | Sequence[str],
        leeway: float,
        required: Sequence[str] = REQUIRED_CLAIMS,
    ) -> dict[str, Any]:
        """Verify `token`'s signature and its `iss`, `aud` (any of `audience`), `exp`, `nbf` and
        `iat` (with `leeway` seconds), and that it has the `required` claims; return its claims.
        `ExpiredIdentity` for a token outside its validity period, `VerificationError` for
        anything else."""
        jwt = _require_pyjwt()
        algorithm, kid = self._header(token)
        key = self.key(kid, algorithm)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=audience,
                issuer=self.issuer,
                leeway=leeway,
                options={"require": list(required)},
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

    def _header(self, token: str) -> tuple[str, str | None]:
        """The token's `alg` (one of `ALGORITHMS`) and `kid`. An issuer signs its tokens with
        few keys, so their headers repeat: each is read once, then found by its text."""
        from ._jwt import MAX_TOKEN_LENGTH, unverified_header

        segment = token.partition(".")[0] if isinstance(token, str) else ""
        known = self._headers.get(segment)
        if known is not None and len(token) <= MAX_TOKEN_LENGTH:
            return known
        header = unverified_header(token)
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise VerificationError(
                f"the token is signed with alg {algorithm!r}; only {', '.join(ALGORITHMS)} are "
                "accepted"
            )
        kid = header.get("kid")
        found = (str(algorithm), kid if isinstance(kid, str) else None)
        if len(self._headers) >= MAX_KNOWN_HEADERS:
            self._headers = {}
        self._headers = {**self._headers, segment: found}
        return found


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


_ISSUERS: dict[str, IssuerKeys] = {}
_ISSUERS_LOCK = threading.Lock()


def keys_of(issuer: str) -> IssuerKeys:
    """The process-wide `IssuerKeys` of `issuer`, so that its keys are fetched once and reused."""
    with _ISSUERS_LOCK:
        keys = _ISSUERS.get(issuer)
        if keys is None:
            keys = _ISSUERS[issuer] = IssuerKeys(issuer)
        return keys
