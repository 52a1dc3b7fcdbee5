"""AWS STS GetWebIdentityToken through boto3, with botocore's Stubber in place of AWS."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import Stubber

from id import AmbientCredentialError, detect_credential
from id._detect import _fetch
from id.providers.aws import AwsSts
from id.testing import OIDCIssuer
from tests.helpers import claims, job_environ


@pytest.fixture
def sts() -> Iterator[tuple[object, Stubber]]:
    client = boto3.client(
        "sts",
        region_name="eu-west-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_token_for_the_audience(sts: tuple[object, Stubber]) -> None:
    client, stubber = sts
    issued = OIDCIssuer("https://sts.eu-west-1.amazonaws.com").mint(
        {"sub": "arn:aws:iam::1:role/ci", "aud": "pypi"}
    )
    stubber.add_response(
        "get_web_identity_token",
        {
            "WebIdentityToken": issued,
            "Expiration": datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
        },
        expected_params={"Audience": ["pypi"], "SigningAlgorithm": "RS256", "DurationSeconds": 300},
    )
    token = _fetch(AwsSts(client_factory=lambda: client), "test", "pypi", job_environ({}))
    assert claims(token)["sub"] == "arn:aws:iam::1:role/ci"


def test_es384_is_asked_for(sts: tuple[object, Stubber]) -> None:
    client, stubber = sts
    issued = OIDCIssuer(algorithm="ES384").mint({"sub": "s", "aud": "pypi"})
    stubber.add_response(
        "get_web_identity_token",
        {
            "WebIdentityToken": issued,
            "Expiration": datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc),
        },
        expected_params={"Audience": ["pypi"], "SigningAlgorithm": "ES384", "DurationSeconds": 300},
    )
    environ = job_environ({"ID_AWS_SIGNING_ALGORITHM": "ES384"})
    assert _fetch(AwsSts(client_factory=lambda: client), "test", "pypi", environ) == issued


@pytest.mark.parametrize(
    ("code", "message", "hint"),
    [
        (
            "OutboundWebIdentityFederationDisabledException",
            "Outbound federation is disabled",
            "enable outbound identity federation",
        ),
        (
            "AccessDenied",
            "not authorized to perform sts:GetWebIdentityToken",
            "allow sts:GetWebIdentityToken",
        ),
    ],
)
def test_aws_errors_name_the_fix(
    sts: tuple[object, Stubber], code: str, message: str, hint: str
) -> None:
    client, stubber = sts
    stubber.add_client_error(
        "get_web_identity_token", service_error_code=code, service_message=message
    )
    with pytest.raises(AmbientCredentialError) as info:
        _fetch(AwsSts(client_factory=lambda: client), "test", "pypi", job_environ({}))
    assert f"AWS STS: {code}: {message}" in str(info.value)
    assert hint in str(info.value)


def test_without_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never probe a real instance role
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    with pytest.raises(AmbientCredentialError, match="AWS STS: no AWS credentials found"):
        detect_credential("pypi", environ=job_environ({}), provider="aws")


def test_bad_signing_algorithm() -> None:
    with pytest.raises(AmbientCredentialError, match="must be RS256 or ES384"):
        detect_credential(
            "pypi", environ=job_environ({"ID_AWS_SIGNING_ALGORITHM": "HS256"}), provider="aws"
        )
