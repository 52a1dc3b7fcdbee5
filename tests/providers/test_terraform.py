"""HCP Terraform: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import OIDCIssuer
from tests.helpers import job_environ


@pytest.fixture(scope="module")
def issuer() -> OIDCIssuer:
    return OIDCIssuer("https://platform.example")


def token(issuer: OIDCIssuer, audience: str | list[str]) -> str:
    return issuer.mint({"sub": "job", "aud": audience})


def test_terraform_picks_the_pair_for_the_audience(issuer: OIDCIssuer) -> None:
    environ = job_environ(
        {
            "TFC_WORKLOAD_IDENTITY_AUDIENCE": "aws.workload.identity",
            "TFC_WORKLOAD_IDENTITY_TOKEN": token(issuer, "aws.workload.identity"),
            "TFC_WORKLOAD_IDENTITY_AUDIENCE_PYPI": "pypi",
            "TFC_WORKLOAD_IDENTITY_TOKEN_PYPI": token(issuer, "pypi"),
        }
    )
    assert detect_credential("pypi", environ=environ) == environ["TFC_WORKLOAD_IDENTITY_TOKEN_PYPI"]
    plain = detect_credential("aws.workload.identity", environ=environ)
    assert plain == environ["TFC_WORKLOAD_IDENTITY_TOKEN"]


def test_terraform_without_a_pair_for_the_audience(issuer: OIDCIssuer) -> None:
    environ = job_environ(
        {
            "TFC_WORKLOAD_IDENTITY_AUDIENCE_VAULT": "vault",
            "TFC_WORKLOAD_IDENTITY_TOKEN_VAULT": token(issuer, "vault"),
        }
    )
    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ=environ)
    assert "TFC_WORKLOAD_IDENTITY_TOKEN_VAULT holds a token for 'vault', not 'pypi'" in str(
        info.value
    )
    assert "TFC_WORKLOAD_IDENTITY_AUDIENCE_<TAG> = pypi" in str(info.value)


def test_terraform_chooses_by_the_tokens_own_audience(issuer: OIDCIssuer) -> None:
    # The run may not see the audience variables; the token's `aud` is what counts.
    environ = job_environ({"TFC_WORKLOAD_IDENTITY_TOKEN_PYPI": token(issuer, "pypi")})
    assert detect_credential("pypi", environ=environ) == environ["TFC_WORKLOAD_IDENTITY_TOKEN_PYPI"]
    mislabelled = job_environ(
        {
            "TFC_WORKLOAD_IDENTITY_AUDIENCE_PYPI": "pypi",
            "TFC_WORKLOAD_IDENTITY_TOKEN_PYPI": token(issuer, "vault"),
        }
    )
    with pytest.raises(AmbientCredentialError, match="_PYPI holds a token for 'vault', not 'pypi'"):
        detect_credential("pypi", environ=mislabelled)
