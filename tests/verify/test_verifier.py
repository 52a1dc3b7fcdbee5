"""`id.verify.Verifier`: signature, issuer, exactly one audience, validity, replay, stale keys,
threads and the async path, against a real issuer on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

import pytest

from id.testing import Faults, OIDCIssuer
from id.verify import (
    ExpiredIdentity,
    GitHubActions,
    MemoryReplayStore,
    RedisReplayStore,
    ReplayError,
    VerificationError,
    Verifier,
)
from tests.verify.conftest import AUDIENCE


def mint(issuer: OIDCIssuer, **claims: Any) -> str:
    return issuer.mint({"sub": "repo:octo-org/app:ref:refs/heads/main", "aud": AUDIENCE, **claims})


def test_a_good_token_gives_its_claims(issuer: OIDCIssuer) -> None:
    claims = Verifier(issuer.url, AUDIENCE).verify(mint(issuer, actor="octocat"))
    assert claims["actor"] == "octocat"


@pytest.mark.parametrize(
    ("claims", "error", "match"),
    [
        ({"aud": "https://other.example"}, VerificationError, "not for audience"),
        ({"aud": [AUDIENCE, "https://other.example"]}, VerificationError, "as well as"),
        ({"iss": "https://elsewhere.example"}, VerificationError, "not issued by"),
        ({"exp": int(time.time()) - 120}, ExpiredIdentity, "expired"),
        ({"nbf": int(time.time()) + 600}, ExpiredIdentity, "not valid yet"),
        ({"sub": None}, VerificationError, "sub"),
    ],
)
def test_refusals(issuer: OIDCIssuer, claims: dict[str, Any], error: type, match: str) -> None:
    payload = {"sub": "s", "aud": AUDIENCE, **claims}
    with pytest.raises(error, match=match):
        Verifier(issuer.url, AUDIENCE).verify(issuer.mint(payload))


def test_other_audiences_may_be_allowed(issuer: OIDCIssuer) -> None:
    token = mint(issuer, aud=[AUDIENCE, "https://other.example"])
    claims = Verifier(issuer.url, AUDIENCE, allow_other_audiences=True).verify(token)
    assert AUDIENCE in claims["aud"]


def test_the_leeway_is_the_verifiers(issuer: OIDCIssuer) -> None:
    token = mint(issuer, exp=int(time.time()) - 20)
    assert Verifier(issuer.url, AUDIENCE).verify(token)  # within the default 30 s
    with pytest.raises(ExpiredIdentity):
        Verifier(issuer.url, AUDIENCE, leeway=5).verify(token)


def test_a_token_signed_by_another_key_is_refused(issuer: OIDCIssuer) -> None:
    forged = OIDCIssuer(issuer.url)
    forged.rotate_key()
    token = forged.mint({"sub": "s", "aud": AUDIENCE})
    with pytest.raises(VerificationError, match="no key with kid"):
        Verifier(issuer.url, AUDIENCE).verify(token)


def test_exactly_one_audience_is_asked_for(issuer: OIDCIssuer) -> None:
    with pytest.raises(VerificationError, match="exactly one audience"):
        Verifier(issuer.url, ["a", "b"])  # type: ignore[arg-type]


def test_a_policy_given_to_the_verifier_applies_to_every_token(issuer: OIDCIssuer) -> None:
    verifier = Verifier(issuer.url, AUDIENCE, policy=lambda claims: claims.get("actor") == "ok")
    assert verifier.verify(mint(issuer, actor="ok"))
    with pytest.raises(VerificationError, match="policy"):
        verifier.verify(mint(issuer, actor="mallory"))


# Replay


def test_a_token_is_accepted_once(issuer: OIDCIssuer) -> None:
    verifier = Verifier(issuer.url, AUDIENCE, replay=MemoryReplayStore())
    token = mint(issuer)
    verifier.verify(token)
    with pytest.raises(ReplayError, match="used before"):
        verifier.verify(token)


def test_a_token_without_jti_is_refused_when_replay_is_checked(issuer: OIDCIssuer) -> None:
    token = issuer.mint({"sub": "s", "aud": AUDIENCE, "jti": None})
    with pytest.raises(ReplayError, match="no jti"):
        Verifier(issuer.url, AUDIENCE, replay=MemoryReplayStore()).verify(token)


def test_an_invalid_token_does_not_use_up_its_jti(issuer: OIDCIssuer) -> None:
    store = MemoryReplayStore()
    verifier = Verifier(issuer.url, AUDIENCE, replay=store)
    token = mint(issuer, actor="mallory")
    with pytest.raises(VerificationError):
        verifier.verify(token, policy=lambda claims: claims["actor"] == "ok")
    assert len(store) == 0
    verifier.verify(token)


def test_the_memory_store_forgets_a_jti_when_the_token_expires() -> None:
    store = MemoryReplayStore()
    assert store.claim("k", time.time() - 1)
    assert store.claim("k", time.time() + 60)  # the first had expired
    assert not store.claim("k", time.time() + 60)


def test_one_of_many_threads_wins_a_replay_race(issuer: OIDCIssuer) -> None:
    verifier = Verifier(issuer.url, AUDIENCE, replay=MemoryReplayStore())
    token = mint(issuer)
    verifier.verify(mint(issuer))  # keys fetched
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def race() -> None:
        barrier.wait()
        try:
            verifier.verify(token)
            outcomes.append("accepted")
        except ReplayError:
            outcomes.append("replay")

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["replay"] * 7


def test_two_verifiers_sharing_redis_accept_a_token_once(
    issuer: OIDCIssuer, redis_client: Any
) -> None:
    store = RedisReplayStore(redis_client)
    first = Verifier(issuer.url, AUDIENCE, replay=store)
    second = Verifier(issuer.url, AUDIENCE, replay=RedisReplayStore(redis_client))
    token = mint(issuer)
    first.verify(token)
    with pytest.raises(ReplayError):
        second.verify(token)
    second.verify(mint(issuer))


def test_redis_forgets_the_jti_with_the_token(issuer: OIDCIssuer, redis_client: Any) -> None:
    token = issuer.mint({"sub": "s", "aud": AUDIENCE}, lifetime=60)
    Verifier(issuer.url, AUDIENCE, replay=RedisReplayStore(redis_client), leeway=10).verify(token)
    (key,) = redis_client.keys("id:jti:*")
    # Redis expires it at exp + leeway: 70 s from now, give or take the clock.
    assert 50_000 < redis_client.pttl(key) <= 71_000


# Keys


def test_stale_keys_are_used_while_the_issuer_answers_500() -> None:
    with OIDCIssuer(jwks_cache_control="max-age=0") as issuer:
        verifier = Verifier(issuer.url, AUDIENCE, max_stale=3600)
        verifier.verify(mint(issuer))
        assert issuer.server is not None
        issuer.server.faults = Faults(status=500)
        assert verifier.verify(mint(issuer))
        asked = len(issuer.requests)
        assert verifier.verify(mint(issuer))
        # After a failed fetch, the next waits RETRY_AFTER_FAILURE: no request per token.
        assert len(issuer.requests) == asked


def test_keys_past_max_stale_are_not_used() -> None:
    with OIDCIssuer(jwks_cache_control="max-age=0") as issuer:
        verifier = Verifier(issuer.url, AUDIENCE, max_stale=0)
        verifier.verify(mint(issuer))
        assert issuer.server is not None
        issuer.server.faults = Faults(status=500)
        time.sleep(0.01)
        with pytest.raises(VerificationError):
            verifier.verify(mint(issuer))


def test_a_failed_fetch_never_drops_the_keys() -> None:
    with OIDCIssuer() as issuer:
        verifier = Verifier(issuer.url, AUDIENCE)
        verifier.verify(mint(issuer))
        assert issuer.server is not None
        issuer.server.faults = Faults(status=500)
        # An unknown kid makes it fetch (and fail); the known key still verifies after.
        stranger = OIDCIssuer(issuer.url)
        with pytest.raises(VerificationError):
            verifier.verify(stranger.mint({"sub": "s", "aud": AUDIENCE}))
        assert verifier.verify(mint(issuer))


def test_many_threads_fetch_the_keys_once() -> None:
    with OIDCIssuer(jwks_faults=Faults(delay=0.3)) as issuer:
        verifier = Verifier(issuer.url, AUDIENCE)
        tokens = [mint(issuer) for _ in range(16)]
        barrier = threading.Barrier(len(tokens))
        results: list[object] = []

        def run(token: str) -> None:
            barrier.wait()
            results.append(verifier.verify(token))

        threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        fetches = sum(1 for r in issuer.requests if r.path.endswith("jwks"))
    assert len(results) == len(tokens)
    assert fetches == 1
    assert verifier.keys.fetches == 1


def test_a_second_issuers_fetch_never_waits_on_the_first() -> None:
    with (
        OIDCIssuer(jwks_faults=Faults(hang=True)) as stuck,
        OIDCIssuer() as healthy,
    ):
        environ = {"ID_TIMEOUT": "20"}
        slow = Verifier(stuck.url, AUDIENCE, environ=environ)
        fast = Verifier(healthy.url, AUDIENCE, environ=environ)
        started = threading.Event()
        finished = threading.Event()

        def hang() -> None:
            started.set()
            with contextlib.suppress(VerificationError):
                slow.verify(mint(stuck))
            finished.set()

        thread = threading.Thread(target=hang, daemon=True)
        thread.start()
        started.wait()
        assert fast.verify(mint(healthy))
        # The first issuer's fetch is still under way: the second did not wait for it.
        assert not finished.is_set()


# Async


def test_verify_async_never_blocks_the_event_loop() -> None:
    with OIDCIssuer(jwks_faults=Faults(delay=0.5)) as issuer:
        verifier = Verifier(issuer.url, AUDIENCE)
        tokens = [mint(issuer) for _ in range(10)]

        async def main() -> tuple[list[dict[str, Any]], int]:
            ticks = 0
            done = asyncio.Event()

            async def ticker() -> None:
                nonlocal ticks
                while not done.is_set():
                    ticks += 1
                    await asyncio.sleep(0.01)

            task = asyncio.ensure_future(ticker())
            results = await asyncio.gather(*(verifier.verify_async(t) for t in tokens))
            done.set()
            await task
            return list(results), ticks

        results, ticks = asyncio.run(main())
        fetches = sum(1 for r in issuer.requests if r.path.endswith("jwks"))
    assert len(results) == 10
    assert fetches == 1
    # The key fetch took half a second: a blocked loop would have ticked once.
    assert ticks >= 5


def test_verify_async_raises_the_same_errors(issuer: OIDCIssuer) -> None:
    verifier = Verifier(issuer.url, AUDIENCE)
    policy = GitHubActions("octo-org/app")
    with pytest.raises(VerificationError, match="repository"):
        asyncio.run(verifier.verify_async(mint(issuer), policy))
