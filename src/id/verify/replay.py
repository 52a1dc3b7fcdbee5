"""Replay protection: each token is accepted once.

A store remembers the `jti` of every token accepted until the token could no longer be accepted
anyway (its `exp` plus the verifier's leeway), and claims each atomically: the second claim of
the same `jti`, in this process or another replica sharing the store, fails.
"""

from __future__ import annotations

import abc
import threading
import time
from typing import Any


def replay_key(issuer: str, jti: str) -> str:
    """The store's key for `jti` of `issuer`: a `jti` is unique per issuer only, and may hold
    any characters, so the key is a digest of both."""
    import hashlib

    return hashlib.sha256(f"{issuer}\0{jti}".encode()).hexdigest()


class ReplayStore(abc.ABC):
    """Where used `jti`s are remembered."""

    @abc.abstractmethod
    def claim(self, key: str, expires_at: float) -> bool:
        """Record `key` until `expires_at` (seconds since the epoch); False when it was already
        recorded (a replay). Atomic: of two claims at once, one wins."""


class MemoryReplayStore(ReplayStore):
    """A store in this process's memory, for a service with one replica. Thread-safe; forgets
    each key once it expires."""

    #: Expired keys are swept after this many claims, so memory follows the tokens still valid.
    SWEEP_EVERY = 1024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        self._claims = 0

    def claim(self, key: str, expires_at: float) -> bool:
        now = time.time()
        with self._lock:
            self._claims += 1
            if self._claims % self.SWEEP_EVERY == 0:
                self._expiry = {k: t for k, t in self._expiry.items() if t > now}
            seen = self._expiry.get(key)
            if seen is not None and seen > now:
                return False
            self._expiry[key] = expires_at
            return True

    def __len__(self) -> int:
        now = time.time()
        with self._lock:
            return sum(1 for t in self._expiry.values() if t > now)


class RedisReplayStore(ReplayStore):
    """A store in Redis, shared by every replica of a service: `SET key 1 NX PXAT expiry` claims
    a key atomically and Redis forgets it at the token's expiry. `client` is a redis-py client
    (`pip install 'id[redis]'`); keys are `prefix` and a digest."""

    def __init__(self, client: Any, *, prefix: str = "id:jti:") -> None:
        self.client = client
        self.prefix = prefix

    def claim(self, key: str, expires_at: float) -> bool:
        milliseconds = max(1, int(expires_at * 1000))
        if milliseconds <= int(time.time() * 1000):
            milliseconds = int(time.time() * 1000) + 1000
        return bool(self.client.set(self.prefix + key, b"1", nx=True, pxat=milliseconds))
