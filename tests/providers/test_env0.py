"""env0: the deployment's token, for env0's one fixed audience, in `ENV0_OIDC_TOKEN`."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Env0
from tests.helpers import job_environ


def test_the_deployments_token_for_its_audience() -> None:
    with Env0() as deployment:
        environ = job_environ(deployment.environ)
        token = detect_credential(deployment.default_audience, environ=environ)
        assert token == deployment.environ["ENV0_OIDC_TOKEN"]


def test_another_audience_says_the_audience_is_fixed() -> None:
    with Env0() as deployment, pytest.raises(AmbientCredentialError, match="one fixed audience"):
        detect_credential("pypi", environ=job_environ(deployment.environ))
