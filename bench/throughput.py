"""Calls per second inside one process: `detect_credential` against the GitHub emulator, and
`IdentityToken.verify` with a warm key cache.

    .venv/bin/python bench/throughput.py            # print the table
    .venv/bin/python bench/throughput.py --write    # also write its section of bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from id import IdentityToken, detect_credential
from id.testing import GitHubActions, OIDCIssuer


def rate(call: Callable[[int], object], count: int) -> tuple[float, float]:
    """Calls per second over `count` calls, and the median latency of one call in ms."""
    latencies = []
    started = time.perf_counter()
    for index in range(count):
        before = time.perf_counter()
        call(index)
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    return count / elapsed, statistics.median(latencies) * 1000


def detect_rows(count: int) -> list[tuple[str, float, float]]:
    with GitHubActions() as job:
        environ = {**os.environ, **job.environ}
        detect_credential("pypi", environ=environ)  # warm-up
        per_second, latency = rate(lambda _: detect_credential("pypi", environ=environ), count)
        assert len(job.requests) == count + 1, "every call must fetch a fresh token"
    return [(f"`detect_credential`, emulated GitHub job ({count} calls)", per_second, latency)]


def verify_rows(count: int) -> list[tuple[str, float, float]]:
    rows = []
    for algorithm in ("RS256", "ES256", "EdDSA"):
        with OIDCIssuer(algorithm=algorithm) as issuer:
            tokens = [issuer.mint({"sub": "s", "aud": "pypi"}) for _ in range(count)]
            IdentityToken(tokens[0]).verify(audience="pypi", issuer=issuer.url)  # warm the cache

            def verify(index: int, tokens: list[str] = tokens, url: str = issuer.url) -> object:
                return IdentityToken(tokens[index]).verify(audience="pypi", issuer=url)

            per_second, latency = rate(verify, count)
            assert len(issuer.requests) == 2, "a warm cache must not fetch the keys again"
        rows.append(
            (
                f"`IdentityToken(t).verify(...)`, {algorithm}, warm keys ({count} tokens)",
                per_second,
                latency,
            )
        )
    return rows


def main() -> None:
    """Run both measurements and print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=1000, help="calls per measurement")
    parser.add_argument("--write", action="store_true", help="write it to bench/RESULTS.md")
    args = parser.parse_args()
    rows = detect_rows(args.calls) + verify_rows(args.calls)
    lines = ["| operation | per second | median latency |", "|---|---:|---:|"]
    lines += [
        f"| {name} | {per_second:,.0f} | {latency:.2f} ms |" for name, per_second, latency in rows
    ]
    from _results import report

    report(
        "throughput",
        "### In one process: `bench/throughput.py`\n\n"
        "Each `detect_credential` call fetches a new token over a new HTTP connection (tokens "
        "are never cached); verification reuses the issuer's keys.",
        "\n".join(lines),
        write=args.write,
    )


if __name__ == "__main__":
    main()
