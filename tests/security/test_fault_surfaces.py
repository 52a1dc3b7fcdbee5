"""The fault suite's cases against the surfaces beyond the providers: an issuer's JWKS (fetched
by `verify`) and a sign-in token endpoint (a POST carrying the code and the client secret).
Each ends within the deadline, in bounded memory, as a clear error or, once the fault passes,
a success; and the sign-in's secrets never reach another host."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from id import SignInError, VerificationError
from id.testing import Faults, LoopbackServer, OIDCIssuer, Reply, Request

DEADLINE = 2.0
SLACK = 1.5
PEAK_MEMORY = 8 * 1024 * 1024
ENVIRON = {"ID_TIMEOUT": str(DEADLINE)}

# Each case: the faults, and whether the request should succeed in the end.
CASES: dict[str, tuple[Callable[[str], Faults], bool]] = {
    "reset mid-response": (lambda _: Faults(reset=True), False),
    "5xx, then success": (lambda _: Faults(status=503, times=2), True),
    "429, then success": (lambda _: Faults(status=429, retry_after="1", times=1), True),
    "endless slow body": (lambda _: Faults(trickle=0.05), False),
    "accepts and never answers": (lambda _: Faults(hang=True), False),
    "endless body": (lambda _: Faults(endless_body=True), False),
    "invalid UTF-8": (lambda _: Faults(body=b"\xff\xfe\xfd"), False),
    "JSON that is not an object": (lambda _: Faults(body=b"[1, 2]"), False),
    "redirect to another host": (lambda elsewhere: Faults(redirect_to=f"{elsewhere}/x"), False),
}  # fmt: skip


@pytest.fixture
def elsewhere() -> Iterator[LoopbackServer]:
    server = LoopbackServer({"/x": lambda _r: Reply.json(200, {"keys": []})}).start()
    yield server
    server.stop()


def measured(action: Callable[[], object]) -> tuple[object, float, int]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        outcome: object = action()
    except Exception as exc:
        outcome = exc
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, elapsed, peak


@pytest.mark.parametrize("case", list(CASES))
def test_jwks_faults(case: str, elsewhere: LoopbackServer) -> None:
    from id._verify import IssuerKeys

    faults, succeeds = CASES[case]
    with OIDCIssuer(jwks_faults=faults(elsewhere.url)) as issuer:
        token = issuer.mint({"sub": "s", "aud": "pypi"})
        outcome, elapsed, peak = measured(
            lambda: IssuerKeys(issuer.url, ENVIRON).verify(token, audience="pypi", leeway=0)
        )
    if succeeds:
        assert isinstance(outcome, dict), outcome
    else:
        assert isinstance(outcome, VerificationError), repr(outcome)
    assert elapsed <= DEADLINE + SLACK, f"took {elapsed:.2f} s"
    assert peak < PEAK_MEMORY


@pytest.mark.parametrize("case", list(CASES))
def test_sign_in_token_endpoint_faults(case: str, elsewhere: LoopbackServer) -> None:
    from id import Issuer
    from id.signin.token_answer import post_form

    faults, succeeds = CASES[case]
    holder: dict[str, str] = {}

    def discovery(_request: Request) -> Reply:
        url = holder["url"]
        return Reply.json(200, {"issuer": url, "token_endpoint": f"{url}/token"})

    server = LoopbackServer(
        {"/.well-known/openid-configuration": discovery, "/token": lambda _r: Reply.json(200, {})},
        faults=faults(elsewhere.url),
        reliable_paths=frozenset({"/.well-known/openid-configuration"}),
    ).start()
    holder["url"] = server.url
    try:
        issuer = Issuer(server.url, environ=ENVIRON)
        form = {"code": "c0de-secret", "code_verifier": "v3rifier", "client_secret": "s3cret"}
        outcome, elapsed, peak = measured(
            lambda: post_form(issuer, f"{server.url}/token", form, "code exchange")
        )
    finally:
        server.stop()
    if succeeds:
        assert outcome == (200, {}), outcome
    else:
        assert isinstance(outcome, SignInError), repr(outcome)
        for secret in ("c0de-secret", "v3rifier", "s3cret"):
            assert secret not in str(outcome)
    assert elsewhere.requests == []  # the secrets never followed the redirect
    assert elapsed <= DEADLINE + SLACK, f"took {elapsed:.2f} s"
    assert peak < PEAK_MEMORY
