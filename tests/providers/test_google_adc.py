"""Google Application Default Credentials (opt-in `google-adc`), through google-auth for real,
against an emulated token endpoint and IAM."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import GoogleAdc
from tests.helpers import claims, job_environ

pytest.importorskip("google.auth")


def test_a_service_account_key_gives_its_id_token() -> None:
    with GoogleAdc() as adc:
        token = detect_credential("pypi", environ=job_environ(adc.environ), provider="google-adc")
        (request,) = adc.requests
    assert claims(token or "")["email"] == adc.account
    assert claims(token or "")["aud"] == "pypi"
    assert "assertion=" in request.body.decode()


def test_an_authorized_user_acts_as_the_named_service_account() -> None:
    with GoogleAdc(kind="authorized_user") as adc:
        token = detect_credential("pypi", environ=job_environ(adc.environ), provider="google-adc")
    assert claims(token or "")["email"] == adc.impersonate


def test_an_authorized_user_without_an_account_to_act_as_is_told_which_variable() -> None:
    with GoogleAdc(kind="authorized_user") as adc:
        environ = job_environ({**adc.environ, "GOOGLE_SERVICE_ACCOUNT_NAME": ""})
        with pytest.raises(AmbientCredentialError, match="GOOGLE_SERVICE_ACCOUNT_NAME"):
            detect_credential("pypi", environ=environ, provider="google-adc")


def test_a_refused_key_is_reported_without_the_key() -> None:
    with GoogleAdc(account_disabled=True) as adc:
        with pytest.raises(AmbientCredentialError, match="invalid_grant") as info:
            detect_credential("pypi", environ=job_environ(adc.environ), provider="google-adc")
    assert "PRIVATE KEY" not in str(info.value)


def test_a_missing_file_names_the_variable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    environ = job_environ({"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "missing.json")})
    with pytest.raises(AmbientCredentialError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        detect_credential("pypi", environ=environ, provider="google-adc")


@pytest.mark.usefixtures("off_cloud")
def test_google_adc_is_never_detected_on_its_own() -> None:
    with GoogleAdc() as adc:
        assert detect_credential("pypi", environ=job_environ(adc.environ)) is None
        assert adc.requests == []
