"""AWS web identity (EKS): the projected token file, for `sts.amazonaws.com`; skipped for
another audience (the file exists for the AWS SDKs)."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AwsWebIdentity
from tests.helpers import claims, job_environ


def test_the_pods_token_for_its_audience() -> None:
    with AwsWebIdentity() as pod:
        token = detect_credential("sts.amazonaws.com", environ=job_environ(pod.environ))
    assert claims(token or "")["aud"] == "sts.amazonaws.com"


def test_another_audience_is_skipped_and_named_when_asked_for() -> None:
    with AwsWebIdentity() as pod:
        environ = job_environ(pod.environ)
        assert detect_credential("pypi", environ=environ) is None
        with pytest.raises(AmbientCredentialError, match="holds a token for 'sts.amazonaws.com'"):
            detect_credential("pypi", environ=environ, provider="eks")
