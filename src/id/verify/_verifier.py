"""`Verifier`: what a service that accepts OIDC tokens runs for each one."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from .._errors import MalformedTokenError, ReplayError, VerificationError
from .._verify import DEFAULT_MAX_STALE, IssuerKeys
from .policies import PolicyLike, as_policy
from .replay import ReplayStore, replay_key

DEFAULT_LEEWAY = 30.0
#: The claims every token must have: PyPI's list (`iss`, `aud`, `iat`, `exp`) and `sub`.
REQUIRED_CLAIMS = ("iss", "sub", "aud", "iat", "exp")


class Verifier:
    """Verifies tokens of one `issuer` for one `audience`, then a policy, then replay.

    For each token, in this order: the signature against the issuer's published keys (fetched
    by OpenID discovery over HTTPS, cached, refreshed at most once a minute for an unknown `kid`,
    and kept for up to `max_stale` seconds past their expiry while the issuer cannot be reached);
    `iss`; `aud` holding `audience` and, unless `allow_other_audiences`, nothing else; `exp`,
    `nbf`, `iat` within `leeway` seconds; the `policy` (of the call, else the verifier's); and,
    with a `replay` store, that its `jti` was not accepted before. A refused token raises
    `ExpiredIdentity`, `VerificationError`, its subclass `PolicyError` naming every claim that
    did not match, or `ReplayError`.

    Thread-safe: one instance serves every thread and task of a service, and fetches the keys
    once however many ask at the same time. Needs the `verify` extra (PyJWT).
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        policy: PolicyLike | None = None,
        replay: ReplayStore | None = None,
        leeway: float = DEFAULT_LEEWAY,
        max_stale: float = DEFAULT_MAX_STALE,
        allow_other_audiences: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(audience, str) or not audience.strip():
            raise VerificationError(
                f"a Verifier takes exactly one audience, a non-empty string, not {audience!r}: "
                "the one this service is"
            )
        if leeway < 0 or max_stale < 0:
            raise VerificationError("leeway and max_stale are seconds, not negative")
        self.issuer = issuer
        self.audience = audience
        self.policy = None if policy is None else as_policy(policy)
        self.replay = replay
        self.leeway = leeway
        self.allow_other_audiences = allow_other_audiences
        self.keys = IssuerKeys(issuer, environ, max_stale=max_stale)

    def verify(self, token: str, policy: PolicyLike | None = None) -> dict[str, Any]:
        """The claims of `token`, once every check above passed."""
        try:
            claims = self.keys.verify(
                token, audience=self.audience, leeway=self.leeway, required=REQUIRED_CLAIMS
            )
        except MalformedTokenError as exc:
            raise VerificationError(f"not a JWT: {exc}") from None
        self._check_audience(claims)
        chosen = self.policy if policy is None else as_policy(policy)
        if chosen is not None:
            chosen.check(claims)
        if self.replay is not None:
            self._claim(claims)
        return claims

    async def verify_async(self, token: str, policy: PolicyLike | None = None) -> dict[str, Any]:
        """`verify` for an async service: it runs in a worker thread (a key fetch or a Redis
        round trip never blocks the event loop), and concurrent calls share one key fetch."""
        import asyncio
        import functools

        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(self.verify, token, policy))

    def _check_audience(self, claims: Mapping[str, Any]) -> None:
        audience = claims.get("aud")
        held = audience if isinstance(audience, list) else [audience]
        others = [a for a in held if a != self.audience]
        if others and not self.allow_other_audiences:
            shown = ", ".join(repr(a) for a in others)
            raise VerificationError(
                f"the token is for {shown} as well as {self.audience!r}: a token for several "
                "services can be replayed from one to another (pass allow_other_audiences=True "
                "to accept it)"
            )

    def _claim(self, claims: Mapping[str, Any]) -> None:
        assert self.replay is not None  # noqa: S101 - checked by the caller
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise ReplayError(
                "the token has no jti, so a second use of it cannot be told from the first: "
                "refused (the verifier has a replay store)"
            )
        expires_at = float(claims["exp"]) + self.leeway
        if not self.replay.claim(replay_key(self.issuer, jti), max(expires_at, time.time() + 1)):
            raise ReplayError(f"the token with jti {jti!r} was used before: refused as a replay")
