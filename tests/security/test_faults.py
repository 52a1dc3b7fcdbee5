"""Every way a token endpoint can misbehave, against every HTTP provider: the outcome, the time it
took (bounded by the deadline) and the peak memory (bounded by the response cap)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from id import AmbientCredentialError, ExpiredIdentity
from id.testing import (
    AzurePipelines,
    Bitrise,
    Buildkite,
    Codefresh,
    Emulator,
    Faults,
    GitHubActions,
    GoogleCloud,
    LoopbackServer,
    Vault,
    Vercel,
)
from tests.helpers import claims, job_environ, refused_port

DEADLINE = 2.0
REPORT_VARIABLE = "ID_FAULT_REPORT"
# Allowance beyond the deadline for process scheduling and the last read in flight.
SLACK = 1.5
PEAK_MEMORY = 8 * 1024 * 1024
#: What a hostile token service answers: colours, a carriage return, a forged workflow command on
#: a line of its own, a bidirectional override, and 200 KB more.
HOSTILE = b"\x1b[31mred\x1b[0m\roverwritten\n::error::forged\n\xe2\x80\xaeevil" + b"A" * 200_000

PROVIDERS: dict[str, Callable[..., Emulator]] = {
    "github": GitHubActions,
    "codefresh": Codefresh,
    "bitrise": Bitrise,
    "azure-pipelines": AzurePipelines,
    "gcp": GoogleCloud,
    "gcp-impersonation": lambda **options: GoogleCloud(
        impersonate="deployer@p.iam.gserviceaccount.com", **options
    ),
    "vercel": Vercel,
    "buildkite-api": lambda **options: Buildkite(agent_installed=False, **options),
    "vault": Vault,
}
# Providers asked for by name: opt-in ones, and those that skip a server giving no token (their
# reason is then the error this suite checks).
NAMED = {"gcp": "gcp", "vault": "vault"}


class Case:
    """One fault: how to set it up and what must come of it."""

    def __init__(
        self,
        faults: Callable[[], Faults] | None = None,
        *,
        error: str | dict[str, str] | None = None,
        emulator: dict[str, Any] | None = None,
        min_seconds: float = 0.0,
    ) -> None:
        self.faults = faults
        self.error = error
        self.emulator = emulator or {}
        self.min_seconds = min_seconds

    def expected_error(self, provider: str) -> str | None:
        """The text the error must hold, for `provider` (`{audience}` stands for its audience)."""
        text = self._expected_error(provider)
        return None if text is None else text.replace("{audience}", audience_of(provider))

    def _expected_error(self, provider: str) -> str | None:
        if isinstance(self.error, dict):
            return self.error.get(provider, self.error["*"])
        return self.error


CASES: dict[str, Case] = {
    "connection refused": Case(error="ConnectionRefusedError"),
    "reset mid-response": Case(lambda: Faults(reset=True), error="failed after 4 attempts"),
    "reset once, then success": Case(lambda: Faults(reset=True, times=1)),
    "5xx, then success": Case(lambda: Faults(status=503, times=2)),
    "429 with Retry-After, then success": Case(
        lambda: Faults(status=429, retry_after="1", times=1), min_seconds=1.0
    ),
    "endless slow body": Case(lambda: Faults(trickle=0.05), error="deadline"),
    "accepts and never answers": Case(lambda: Faults(hang=True), error="timed out"),
    "256 MiB (endless) body": Case(
        lambda: Faults(endless_body=True), error="more than 1048576 bytes"
    ),
    "invalid UTF-8": Case(lambda: Faults(body=b"\xff\xfe\xfd"), error="not UTF-8"),
    "JSON that is not an object": Case(
        lambda: Faults(body=b"[1, 2]"),
        error={"*": "JSON that is not an object", "gcp": "not a usable JWT"},
    ),
    "a token that is not a JWT": Case(lambda: Faults(token="not-a-jwt"), error="not a usable JWT"),
    "a token for another audience": Case(
        emulator={"claims": {"aud": "someone-else"}},
        error="returned a token for audience 'someone-else', not '{audience}'",
    ),
    "an expired token": Case(emulator={"lifetime": -600}),
    "hostile error text": Case(lambda: Faults(status=403, body=HOSTILE), error="HTTP 403"),
    "redirect to another host": Case(
        error={
            "*": "refusing to follow a redirect to another origin",
            # The metadata request carries no credential: the redirect is followed, and the
            # other host's answer (a 404 here) is reported.
            "gcp": "HTTP 404",
            "gcp-impersonation": "HTTP 404",
        }
    ),
}


@pytest.fixture
def elsewhere() -> Iterator[LoopbackServer]:
    """Another host, to redirect to: it must never receive a credential."""
    server = LoopbackServer({}).start()
    yield server
    server.stop()


def provider_ids(implementation: str) -> list[str]:
    return ["github"] if implementation == "naive" else list(PROVIDERS)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "provider" in metafunc.fixturenames:
        providers = provider_ids(metafunc.config.getoption("--implementation"))
        metafunc.parametrize("provider", providers)
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", list(CASES))


# Azure Pipelines issues tokens for one audience only; every other provider takes any.
AUDIENCES = {"azure-pipelines": "api://AzureADTokenExchange"}


def audience_of(provider: str) -> str:
    """The audience the suite asks `provider` for."""
    return AUDIENCES.get(provider, "pypi")


def run_case(
    provider: str,
    case: str,
    fetch: Callable[..., str | None],
    fetch_identity: Callable[..., object],
    elsewhere: LoopbackServer,
) -> tuple[str | BaseException, float, int]:
    """Run one case; return the outcome (token or exception), the seconds and the peak bytes."""
    spec = CASES[case]
    faults = spec.faults() if spec.faults is not None else None
    if case == "redirect to another host":
        faults = Faults(redirect_to=f"{elsewhere.url}/elsewhere")
    named = {"provider": NAMED[provider]} if provider in NAMED else {}
    with PROVIDERS[provider](faults=faults, **spec.emulator) as job, refused_port() as port:
        environ = job_environ({**job.environ, "ID_TIMEOUT": str(DEADLINE)})
        if case == "connection refused":
            for name in (
                "ACTIONS_ID_TOKEN_REQUEST_URL", "GCE_METADATA_HOST", "CF_OIDC_REQUEST_URL",
                "BITRISE_BUILD_URL", "SYSTEM_OIDCREQUESTURI", "ID_VERCEL_OIDC_ENDPOINT",
                "BUILDKITE_AGENT_ENDPOINT", "VAULT_ADDR",
            ):  # fmt: skip
                if name in environ:
                    environ[name] = environ[name].replace(
                        job.url.split("//")[1], f"127.0.0.1:{port}"
                    )
        if case == "an expired token":
            # detect_credential keeps PyPI id's contract and returns it; the token API refuses it.
            try:
                fetch_identity(audience_of(provider), environ=environ, **named)
            except ExpiredIdentity:
                pass
            else:
                return AssertionError("detect_identity accepted an expired token"), 0.0, 0
        tracemalloc.start()
        started = time.monotonic()
        try:
            outcome: str | BaseException = (
                fetch(audience_of(provider), environ=environ, **named) or "None"
            )
        except Exception as exc:
            outcome = exc
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if case == "redirect to another host" and any(
        "authorization" in r.headers for r in elsewhere.requests
    ):
        return AssertionError("a credential reached the other host"), elapsed, peak
    return outcome, elapsed, peak


def test_fault(
    provider: str,
    case: str,
    fetch: Callable[..., str | None],
    fetch_identity: Callable[..., object],
    elsewhere: LoopbackServer,
) -> None:
    spec = CASES[case]
    outcome, elapsed, peak = run_case(provider, case, fetch, fetch_identity, elsewhere)
    assert not isinstance(outcome, AssertionError), outcome
    expected = spec.expected_error(provider)
    if expected is None:
        assert isinstance(outcome, str), f"expected a token, got {outcome!r}"
        assert claims(outcome)["aud"] == audience_of(provider)
    else:
        assert isinstance(outcome, AmbientCredentialError), f"expected an error, got {outcome!r}"
        assert expected in str(outcome)
        assert_clean(str(outcome))
    assert spec.min_seconds <= elapsed <= DEADLINE + SLACK, f"took {elapsed:.2f} s"
    assert peak < PEAK_MEMORY, f"peak memory {peak / 2**20:.1f} MiB"
    record(case, provider, outcome, elapsed, peak)


def assert_clean(text: str) -> None:
    """An error's text as `id` lets anyone show it: no escape or control character, no line a
    runner reads as a workflow command, bounded."""
    for forbidden in ("\x1b", "\r", "\u202e"):
        assert forbidden not in text, f"{forbidden!r} in {text[:200]!r}"
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text[:500]
    assert len(text) <= 2000


def record(
    case: str, provider: str, outcome: str | BaseException, elapsed: float, peak: int
) -> None:
    """Append the measured case to the file `ID_FAULT_REPORT` names (bench/faults.py reads it to
    write SECURITY.md's table), so that the table is what a passing test run measured."""
    import json
    import os

    path = os.environ.get(REPORT_VARIABLE)
    if not path:
        return
    shown = "token" if isinstance(outcome, str) else f"{type(outcome).__name__}: {outcome}"
    row = {"case": case, "provider": provider, "outcome": shown, "seconds": elapsed, "peak": peak}
    with open(path, "a", encoding="utf-8") as report:
        report.write(json.dumps(row) + "\n")
