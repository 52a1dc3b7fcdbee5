"""Verification against a real issuer on loopback: algorithms, claims, keys, caching, attacks."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from id import ExpiredIdentity, IdentityToken, VerificationError
from id._verify import ALGORITHMS, IssuerKeys, cache_seconds, keys_of
from id.testing import Faults, LoopbackServer, OIDCIssuer, Reply
from id.testing._issuer import generate_key


@pytest.fixture
def issuer() -> Iterator[OIDCIssuer]:
    with OIDCIssuer() as served:
        yield served


def mint(issuer: OIDCIssuer, **claims: Any) -> str:
    return issuer.mint({"sub": "workload", "aud": "pypi", **claims})


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_supported_algorithm_verifies(algorithm: str) -> None:
    with OIDCIssuer(algorithm=algorithm) as issuer:
        claims = IdentityToken(mint(issuer)).verify(audience="pypi", issuer=issuer.url)
    assert claims["sub"] == "workload"


def test_audience_may_be_one_of_several(issuer: OIDCIssuer) -> None:
    token = IdentityToken(mint(issuer, aud=["a", "pypi"]))
    assert token.verify(audience="pypi", issuer=issuer.url)["aud"] == ["a", "pypi"]


def test_wrong_audience(issuer: OIDCIssuer) -> None:
    with pytest.raises(VerificationError, match="not for audience 'testpypi'"):
        IdentityToken(mint(issuer)).verify(audience="testpypi", issuer=issuer.url)


def test_wrong_issuer(issuer: OIDCIssuer) -> None:
    with OIDCIssuer() as other:
        token = IdentityToken(mint(issuer))
        with pytest.raises(VerificationError, match=f"publishes no key with kid '{issuer.key_id}'"):
            token.verify(audience="pypi", issuer=other.url)


def test_token_claiming_another_issuer_but_signed_by_this_one(issuer: OIDCIssuer) -> None:
    token = IdentityToken(mint(issuer, iss="https://token.actions.githubusercontent.com"))
    with pytest.raises(VerificationError, match=f"was not issued by {issuer.url}"):
        token.verify(audience="pypi", issuer=issuer.url)


def test_expired(issuer: OIDCIssuer) -> None:
    token = IdentityToken(issuer.mint({"sub": "s", "aud": "pypi"}, issued_at=time.time() - 900))
    with pytest.raises(ExpiredIdentity, match="has expired"):
        token.verify(audience="pypi", issuer=issuer.url)


def test_not_yet_valid(issuer: OIDCIssuer) -> None:
    token = IdentityToken(mint(issuer, nbf=int(time.time()) + 600))
    with pytest.raises(ExpiredIdentity, match="not valid yet"):
        token.verify(audience="pypi", issuer=issuer.url)


def test_tampered_payload(issuer: OIDCIssuer) -> None:
    header, _, signature = mint(issuer).split(".")
    forged = (
        base64.urlsafe_b64encode(
            json.dumps(
                {
                    "iss": issuer.url,
                    "sub": "admin",
                    "aud": "pypi",
                    "iat": int(time.time()),
                    "exp": int(time.time()) + 60,
                }
            ).encode()
        )
        .rstrip(b"=")
        .decode()
    )
    with pytest.raises(VerificationError, match="signature does not verify"):
        IdentityToken(f"{header}.{forged}.{signature}").verify(audience="pypi", issuer=issuer.url)


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_alg_none_is_never_accepted(issuer: OIDCIssuer) -> None:
    now = int(time.time())
    claims = {"iss": issuer.url, "sub": "s", "aud": "pypi", "iat": now, "exp": now + 60}
    token = f"{_b64({'alg': 'none', 'kid': issuer.key_id})}.{_b64(claims)}."
    with pytest.raises(VerificationError, match="signed with alg 'none'"):
        IdentityToken(token).verify(audience="pypi", issuer=issuer.url)


def test_hmac_with_the_public_key_as_secret_is_refused(issuer: OIDCIssuer) -> None:
    # The classic key-confusion attack: sign HS256 with the issuer's public key.
    public_pem = (
        issuer._keys[-1][1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    now = int(time.time())
    claims = {"iss": issuer.url, "sub": "s", "aud": "pypi", "iat": now, "exp": now + 60}
    import hashlib
    import hmac

    signing_input = f"{_b64({'alg': 'HS256', 'kid': issuer.key_id})}.{_b64(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    with pytest.raises(VerificationError, match="signed with alg 'HS256'"):
        IdentityToken(token).verify(audience="pypi", issuer=issuer.url)


def test_token_alg_must_match_the_keys_alg() -> None:
    with OIDCIssuer(algorithm="ES256") as issuer:
        rsa_key = generate_key("RS256")
        token = jwt.encode(
            {
                "iss": issuer.url,
                "sub": "s",
                "aud": "pypi",
                "iat": int(time.time()),
                "exp": int(time.time()) + 60,
            },
            rsa_key,
            algorithm="RS256",
            headers={"kid": issuer.key_id},
        )
        with pytest.raises(VerificationError, match="says alg RS256, but key .* is for ES256"):
            IdentityToken(token).verify(audience="pypi", issuer=issuer.url)


def test_keys_are_fetched_once_and_reused(issuer: OIDCIssuer) -> None:
    verifier = IssuerKeys(issuer.url)
    for _ in range(5):
        verifier.verify(mint(issuer), audience="pypi", leeway=0)
    assert [r.path for r in issuer.requests] == [
        "/.well-known/openid-configuration",
        "/.well-known/jwks",
    ]


def test_identity_token_verify_shares_keys_across_calls(issuer: OIDCIssuer) -> None:
    assert keys_of(issuer.url) is keys_of(issuer.url)
    for _ in range(3):
        IdentityToken(mint(issuer)).verify(audience="pypi", issuer=issuer.url)
    assert len(issuer.requests) == 2


def test_rotated_key_triggers_one_refresh(issuer: OIDCIssuer) -> None:
    verifier = IssuerKeys(issuer.url)
    verifier.verify(mint(issuer), audience="pypi", leeway=0)
    issuer.rotate_key()
    verifier.verify(mint(issuer), audience="pypi", leeway=0)
    assert len(issuer.requests) == 4


def test_unknown_key_refreshes_only_once(issuer: OIDCIssuer) -> None:
    verifier = IssuerKeys(issuer.url)
    verifier.verify(mint(issuer), audience="pypi", leeway=0)
    stranger = OIDCIssuer(issuer.url)
    with pytest.raises(VerificationError, match="publishes no key with kid"):
        verifier.verify(stranger.mint({"sub": "s", "aud": "pypi"}), audience="pypi", leeway=0)
    assert len(issuer.requests) == 4


def test_no_store_means_fetching_every_time() -> None:
    with OIDCIssuer(jwks_cache_control="no-store") as issuer:
        verifier = IssuerKeys(issuer.url)
        for _ in range(2):
            verifier.verify(mint(issuer), audience="pypi", leeway=0)
        assert len(issuer.requests) == 4


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"cache-control": "public, max-age=600"}, 600),
        ({"cache-control": "max-age=999999999"}, 86400),
        ({"cache-control": "no-cache"}, 0),
        ({"cache-control": "s-maxage=10, max-age=600"}, 10),
        ({"expires": "Thu, 01 Jan 1970 00:00:00 GMT"}, 0),
        ({"expires": "garbage"}, 0),
        ({}, 300),
    ],
)
def test_cache_seconds(headers: dict[str, str], seconds: float) -> None:
    assert cache_seconds(headers) == seconds


def test_jwks_that_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ID_TIMEOUT", "1")
    with OIDCIssuer(jwks_faults=Faults(delay=5)) as issuer:
        started = time.monotonic()
        with pytest.raises(
            VerificationError, match="cannot fetch the JWKS of .*timed out|deadline"
        ):
            IssuerKeys(issuer.url).verify(mint(issuer), audience="pypi", leeway=0)
        assert time.monotonic() - started < 3


def test_jwks_server_error() -> None:
    with OIDCIssuer(jwks_faults=Faults(status=404)) as issuer:
        with pytest.raises(VerificationError, match="cannot fetch the JWKS .*HTTP 404"):
            IssuerKeys(issuer.url).verify(mint(issuer), audience="pypi", leeway=0)


def test_discovery_naming_another_issuer() -> None:
    impostor = OIDCIssuer("https://accounts.google.com")
    server = LoopbackServer(impostor.routes()).start()
    try:
        with pytest.raises(
            VerificationError, match="names the issuer 'https://accounts.google.com'"
        ):
            IssuerKeys(server.url).verify(
                impostor.mint({"sub": "s", "aud": "pypi", "iss": server.url}),
                audience="pypi",
                leeway=0,
            )
    finally:
        server.stop()


def test_jwks_that_is_not_json() -> None:
    issuer = OIDCIssuer()
    routes = issuer.routes()
    routes["/.well-known/jwks"] = lambda _request: Reply.text(200, "<html>")
    server = LoopbackServer(routes).start()
    try:
        issuer.url = server.url
        with pytest.raises(VerificationError, match="JWKS of .* is unusable: .*not JSON"):
            IssuerKeys(server.url).verify(mint(issuer), audience="pypi", leeway=0)
    finally:
        server.stop()


@pytest.mark.parametrize("url", ["http://issuer.example", "ftp://issuer.example"])
def test_issuer_must_use_tls_except_on_loopback(url: str) -> None:
    with pytest.raises(VerificationError, match="must be an https:// URL"):
        IssuerKeys(url)


def test_without_pyjwt_the_error_names_the_extra() -> None:
    script = (
        "import sys; sys.modules['jwt'] = None\n"
        "from id import IdentityToken, VerificationError\n"
        "from id._verify import IssuerKeys\n"
        "try:\n"
        "    IssuerKeys('https://issuer.example').verify('a.b.c', audience='x', leeway=0)\n"
        "except VerificationError as e:\n"
        "    print(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "pip install 'id[verify]'" in result.stdout
