"""IdentityToken: what a token says, read without verifying, and hostile tokens."""

from __future__ import annotations

import base64
import json
import time
from datetime import timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from id import ExpiredIdentity, IdentityToken, MalformedTokenError, detect_identity
from id.testing import GitHubActions, GoogleCloud, OIDCIssuer
from tests.helpers import job_environ


@pytest.fixture(scope="module")
def issuer() -> OIDCIssuer:
    return OIDCIssuer("https://issuer.example")


def claims_for(**extra: Any) -> dict[str, Any]:
    """Claims for `OIDCIssuer.mint`, which adds the times."""
    return {"iss": "https://issuer.example", "sub": "me", "aud": "pypi", **extra}


def timed_claims(**extra: Any) -> dict[str, Any]:
    """Complete claims for an unsigned token."""
    now = int(time.time())
    return claims_for(**{"iat": now, "exp": now + 300, **extra})


def unsigned(payload: dict[str, Any]) -> str:
    def b64(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'RS256'})}.{b64(payload)}.c2ln"


def test_github_token_from_the_emulator() -> None:
    with GitHubActions(repository="octo/app", ref="refs/tags/v1") as job:
        token = detect_identity("pypi", environ=job_environ(job.environ))
    assert token is not None
    assert token.issuer == job.issuer.url
    assert token.audience == ["pypi"]
    assert token.subject == "repo:octo/app:ref:refs/tags/v1"
    assert token.identity == token.subject
    assert token.identity_claim == "sub"
    assert token.platform is not None
    assert token.platform.name == "github"
    assert token.platform.details["repository"] == "octo/app"
    assert token.platform.details["ref"] == "refs/tags/v1"


def test_google_token_names_the_email() -> None:
    with GoogleCloud(service_account="ci@p.iam.gserviceaccount.com") as cloud:
        raw = cloud.mint("aud")
    google = IdentityToken(raw)  # issued by the emulator, not accounts.google.com: `sub`
    assert google.identity == google.subject
    issuer = OIDCIssuer("https://accounts.google.com")
    token = IdentityToken(issuer.mint(claims_for(iss="https://accounts.google.com", email="a@b.c")))
    assert token.identity == "a@b.c"
    assert token.identity_claim == "email"
    without_email = IdentityToken(issuer.mint(claims_for(iss="https://accounts.google.com")))
    assert without_email.identity == "me"


def test_gcp_platform_details() -> None:
    with GoogleCloud() as cloud:
        token = detect_identity("aud", environ=job_environ(cloud.environ))
    assert token is not None
    assert token.platform is not None
    assert token.platform.title == "Google Cloud"
    assert token.platform.details["project_id"] == "example-project"


def test_federated_issuer(issuer: OIDCIssuer) -> None:
    plain = IdentityToken(issuer.mint(claims_for()))
    assert plain.federated_issuer == "https://issuer.example"
    dex = IdentityToken(
        issuer.mint(claims_for(federated_claims={"connector_id": "https://github.com/login/oauth"}))
    )
    assert dex.federated_issuer == "https://github.com/login/oauth"


def test_times_are_aware_utc(issuer: OIDCIssuer) -> None:
    token = IdentityToken(issuer.mint(claims_for(), lifetime=300))
    for moment in (token.issued_at, token.expires_at, token.not_before):
        assert moment is not None
        assert moment.tzinfo == timezone.utc
    assert 290 < token.expires_in().total_seconds() <= 300
    assert token.in_validity_period()
    token.check_validity_period()


def test_expired_token(issuer: OIDCIssuer) -> None:
    token = IdentityToken(issuer.mint(claims_for(), issued_at=time.time() - 1000, lifetime=300))
    assert token.expires_in().total_seconds() < 0
    assert not token.in_validity_period()
    with pytest.raises(ExpiredIdentity, match=r"expired at .* UTC \(\d+ s ago\)"):
        token.check_validity_period()


def test_leeway_tolerates_small_clock_skew(issuer: OIDCIssuer) -> None:
    just_expired = IdentityToken(
        issuer.mint(claims_for(), issued_at=time.time() - 330, lifetime=300)
    )
    assert just_expired.in_validity_period()
    assert not just_expired.in_validity_period(leeway=0)


def test_not_yet_valid_token(issuer: OIDCIssuer) -> None:
    later = time.time() + 3600
    token = IdentityToken(issuer.mint(claims_for(nbf=int(later)), lifetime=7200))
    with pytest.raises(
        ExpiredIdentity, match=r"not valid before .* \(check this machine's clock\)"
    ):
        token.check_validity_period()


def test_detect_identity_refuses_an_expired_token() -> None:
    with GitHubActions(lifetime=-600) as job, pytest.raises(ExpiredIdentity):
        detect_identity("pypi", environ=job_environ(job.environ))


@pytest.mark.usefixtures("off_cloud")
def test_detect_identity_none_without_platform() -> None:
    assert detect_identity("pypi") is None


def test_claims_are_read_only_and_repr_hides_the_token(issuer: OIDCIssuer) -> None:
    raw = issuer.mint(claims_for())
    token = IdentityToken(raw)
    with pytest.raises(TypeError):
        token.claims["sub"] = "someone else"  # type: ignore[index]
    assert raw not in repr(token)
    assert "eyJ" not in repr(token)


@pytest.mark.parametrize("claim", ["iss", "sub", "aud", "iat", "exp"])
def test_required_claims(claim: str) -> None:
    payload = timed_claims()
    del payload[claim]
    with pytest.raises(MalformedTokenError, match=f"no '{claim}' claim"):
        IdentityToken(unsigned(payload))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"iat": "yesterday"}, "'iat' claim must be a number"),
        ({"exp": True}, "'exp' claim must be a number"),
        ({"nbf": [1]}, "'nbf' claim must be a number"),
        ({"iss": 5}, "'iss' claim must be a non-empty string"),
        ({"sub": ""}, "'sub' claim must be a non-empty string"),
        ({"aud": []}, "'aud' claim is an empty list"),
        ({"aud": {"a": 1}}, "'aud' claim is a dict"),
    ],
)
def test_wrong_claim_types(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedTokenError, match=message):
        IdentityToken(unsigned(timed_claims(**extra)))


def test_non_finite_times_are_refused() -> None:
    raw = unsigned(timed_claims()).split(".")
    payload = base64.urlsafe_b64encode(b'{"iss":"i","sub":"s","aud":"a","iat":1,"exp":NaN}')
    raw[1] = payload.rstrip(b"=").decode()
    with pytest.raises(MalformedTokenError, match="'exp' claim is not a time"):
        IdentityToken(".".join(raw))


@pytest.mark.parametrize("exp", ["1e400", str(10**400), "-5", "1e18"])
def test_huge_or_negative_times_are_malformed_not_overflow(exp: str) -> None:
    raw = unsigned(timed_claims()).split(".")
    payload = f'{{"iss":"i","sub":"s","aud":"a","iat":1,"exp":{exp}}}'.encode()
    raw[1] = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    with pytest.raises(MalformedTokenError, match="'exp' claim is not a time"):
        IdentityToken(".".join(raw))


def test_deeply_nested_json_is_malformed_not_recursion_error() -> None:
    raw = unsigned(timed_claims()).split(".")
    payload = b'{"iss":"i","x":' + b"[" * 20000 + b"]" * 20000 + b"}"  # within the size cap
    raw[1] = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    with pytest.raises(MalformedTokenError, match="not JSON"):
        IdentityToken(".".join(raw))


claim_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.lists(st.text(max_size=3), max_size=2)
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            name: claim_values for name in ("iss", "sub", "aud", "iat", "exp", "nbf", "email")
        },
    )
)
def test_any_claims_parse_fully_or_raise_malformed_token_error(payload: dict[str, Any]) -> None:
    try:
        token = IdentityToken(unsigned(payload))
    except MalformedTokenError:
        return
    # Everything a parsed token exposes must then work.
    assert token.audience
    assert isinstance(token.identity, str)
    token.issued_at, token.expires_at, token.not_before, token.platform  # noqa: B018
    token.in_validity_period()
    token.expires_in()
