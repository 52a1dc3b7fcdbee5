"""`python -m id --verify --issuer URL --expect CLAIM=VALUE ... AUDIENCE`: the command for the
person asking "why doesn't my token match"."""

from __future__ import annotations

from id.testing import OIDCIssuer
from tests.helpers import run_id
from tests.verify.conftest import AUDIENCE


def claims() -> dict[str, object]:
    return {
        "sub": "repo:octo-org/app:ref:refs/tags/v1.2.0",
        "aud": AUDIENCE,
        "repository": "octo-org/app",
        "ref": "refs/tags/v1.2.0",
        "repository_id": 123456,
    }


def test_every_expectation_holds(issuer: OIDCIssuer) -> None:
    token = issuer.mint(claims())
    result = run_id(
        "--verify", "--issuer", issuer.url, "--expect", "repository=octo-org/app",
        "--expect", "ref=refs/tags/v*", "--expect", "repository_id=123456", "--token", "-",
        AUDIENCE, input=token,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"repository": "octo-org/app"' in result.stdout


def test_one_line_per_claim_that_does_not_match(issuer: OIDCIssuer) -> None:
    token = issuer.mint(claims())
    result = run_id(
        "--verify", "--issuer", issuer.url, "--expect", "repository=octo-org/other",
        "--expect", "ref=refs/heads/main", "--expect", "environment=production",
        "--expect", "repository_id=123456", "--token", token, AUDIENCE,
    )  # fmt: skip
    assert result.returncode == 4
    lines = result.stderr.splitlines()
    assert lines[1:] == [
        "repository: expected 'octo-org/other', the token has 'octo-org/app'",
        "ref: expected 'refs/heads/main', the token has 'refs/tags/v1.2.0'",
        "environment: expected 'production', the token has no such claim",
    ]


def test_expect_needs_verify_and_a_claim(issuer: OIDCIssuer) -> None:
    token = issuer.mint(claims())
    without = run_id("--expect", "a=b", "--token", token, AUDIENCE)
    assert without.returncode == 2
    assert "--expect goes with --verify" in without.stderr
    malformed = run_id(
        "--verify", "--issuer", issuer.url, "--expect", "oops", "--token", token, AUDIENCE
    )
    assert malformed.returncode == 2
    assert "CLAIM=VALUE" in malformed.stderr


def test_a_token_that_does_not_verify_is_still_exit_4(issuer: OIDCIssuer) -> None:
    forged = OIDCIssuer(issuer.url).mint(claims())
    result = run_id(
        "--verify", "--issuer", issuer.url, "--expect", "ref=x", "--token", forged, AUDIENCE
    )
    assert result.returncode == 4
