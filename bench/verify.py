"""What `id.verify.Verifier` costs over the work any correct verifier does: a bare `jwt.decode`
with the same key and the same checks, in one process, with cached keys; across threads; and
whether a second issuer's key fetch waits on a first that hangs.

    .venv/bin/python bench/verify.py            # print the table
    .venv/bin/python bench/verify.py --write    # also write its section of bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import threading
import time
from collections.abc import Callable

import jwt

from id.testing import Faults, OIDCIssuer
from id.verify import Verifier

AUDIENCE = "https://deploy.example.com"
TARGET = 1.1


def per_call(call: Callable[[str], object], tokens: list[str]) -> float:
    """Seconds per call over `tokens`."""
    started = time.perf_counter()
    for token in tokens:
        call(token)
    return (time.perf_counter() - started) / len(tokens)


def overhead(algorithm: str, count: int, rounds: int) -> tuple[float, float, float]:
    """Median µs per token of a bare `jwt.decode` and of `Verifier.verify`, and the median of
    the per-round ratios (the two alternate round by round, on the same tokens)."""
    with OIDCIssuer(algorithm=algorithm) as issuer:
        verifier = Verifier(issuer.url, AUDIENCE)
        tokens = [issuer.mint({"sub": "s", "aud": AUDIENCE}) for _ in range(count)]
        verifier.verify(tokens[0])  # the keys, fetched once
        kid = jwt.get_unverified_header(tokens[0])["kid"]
        key = verifier.keys.key(kid, algorithm)

        def bare(token: str) -> object:
            return jwt.decode(
                token, key=key, algorithms=[algorithm], audience=AUDIENCE, issuer=issuer.url,
                leeway=30, options={"require": ["iss", "sub", "aud", "iat", "exp"]},
            )  # fmt: skip

        bares, ours, ratios = [], [], []
        for _ in range(rounds):
            b = per_call(bare, tokens)
            o = per_call(verifier.verify, tokens)
            bares.append(b)
            ours.append(o)
            ratios.append(o / b)
    return statistics.median(bares) * 1e6, statistics.median(ours) * 1e6, statistics.median(ratios)


def _rate(call: Callable[[str], object], tokens: list[str], workers: int) -> float:
    """Tokens per second through `call` in `workers` threads, each taking its share."""
    chunks = [tokens[i::workers] for i in range(workers)]
    runners = [threading.Thread(target=lambda c=chunk: [call(t) for t in c]) for chunk in chunks]
    started = time.perf_counter()
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    return len(tokens) / (time.perf_counter() - started)


def threads(count: int, workers: int) -> tuple[float, float, float, float]:
    """Tokens per second by one thread and by `workers` threads sharing a verifier, and the
    same for a bare `jwt.decode`: PyJWT's parsing holds the GIL, so neither runs faster on
    more threads; what a verifier must not add is contention of its own."""
    with OIDCIssuer() as issuer:
        verifier = Verifier(issuer.url, AUDIENCE)
        tokens = [issuer.mint({"sub": "s", "aud": AUDIENCE}) for _ in range(count)]
        verifier.verify(tokens[0])
        key = verifier.keys.key(jwt.get_unverified_header(tokens[0])["kid"], "RS256")

        def bare(token: str) -> object:
            return jwt.decode(
                token, key=key, algorithms=["RS256"], audience=AUDIENCE, issuer=issuer.url,
                leeway=30, options={"require": ["iss", "sub", "aud", "iat", "exp"]},
            )  # fmt: skip

        ours = (_rate(verifier.verify, tokens, 1), _rate(verifier.verify, tokens, workers))
        theirs = (_rate(bare, tokens, 1), _rate(bare, tokens, workers))
        fetches = verifier.keys.fetches
    assert fetches == 1, "the keys were fetched more than once"
    return (*ours, *theirs)


def independent_issuers() -> tuple[float, bool]:
    """Seconds the healthy issuer's first verification took while another issuer's key fetch
    hung, and whether that fetch was still under way then."""
    with OIDCIssuer(jwks_faults=Faults(hang=True)) as stuck, OIDCIssuer() as healthy:
        environ = {"ID_TIMEOUT": "5"}
        slow = Verifier(stuck.url, AUDIENCE, environ=environ)
        fast = Verifier(healthy.url, AUDIENCE, environ=environ)
        done = threading.Event()

        def hang() -> None:
            # The hang ends in an error; only the timing matters.
            with contextlib.suppress(Exception):
                slow.verify(stuck.mint({"sub": "s", "aud": AUDIENCE}))
            done.set()

        threading.Thread(target=hang, daemon=True).start()
        time.sleep(0.2)
        started = time.perf_counter()
        fast.verify(healthy.mint({"sub": "s", "aud": AUDIENCE}))
        elapsed = time.perf_counter() - started
        under_way = not done.is_set()
        done.wait(10)
    return elapsed, under_way


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tokens", type=int, default=500, help="tokens per round")
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds")
    parser.add_argument("--write", action="store_true", help="write it to bench/RESULTS.md")
    args = parser.parse_args()
    lines = [
        f"| algorithm (cached keys, {args.rounds} alternating rounds of {args.tokens} tokens) "
        "| bare `jwt.decode` | `Verifier.verify` | ratio (median of rounds) | ≤ 1.1× |",
        "|---|---:|---:|---:|:---:|",
    ]
    for algorithm in ("RS256", "ES256", "EdDSA"):
        bare, ours, ratio = overhead(algorithm, args.tokens, args.rounds)
        holds = "yes" if ratio <= TARGET else "no"
        lines.append(f"| {algorithm} | {bare:.1f} µs | {ours:.1f} µs | {ratio:.3f}× | {holds} |")
    workers = max(2, os.cpu_count() or 2)
    one, many, bare_one, bare_many = threads(args.tokens * 4, workers)
    elapsed, under_way = independent_issuers()
    lines += [
        "",
        "| measurement | result |",
        "|---|---:|",
        f"| RS256 tokens per second, 1 thread | {one:,.0f} |",
        f"| RS256 tokens per second, {workers} threads, one verifier (keys fetched once) "
        f"| {many:,.0f} ({many / one:.2f}×) |",
        f"| bare `jwt.decode`, 1 thread / {workers} threads "
        f"| {bare_one:,.0f} / {bare_many:,.0f} ({bare_many / bare_one:.2f}×) |",
        f"| first verification at a healthy issuer while another's key fetch hangs "
        f"| {elapsed * 1000:.0f} ms (the other still waiting: {'yes' if under_way else 'no'}) |",
    ]
    from _results import report

    report(
        "verify",
        "### Verifying for a service: `bench/verify.py`\n\n"
        "`Verifier.verify` (signature, issuer, one audience, validity, no policy) against a "
        "bare `jwt.decode` with the same key and checks, alternating round by round on the "
        "same tokens.",
        "\n".join(lines),
        write=args.write,
    )


if __name__ == "__main__":
    main()
