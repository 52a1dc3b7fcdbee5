"""Spacelift: the run's token, for the account's host, in `SPACELIFT_OIDC_TOKEN`."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Spacelift
from tests.helpers import job_environ


def test_the_runs_token_for_its_audience() -> None:
    with Spacelift() as run:
        environ = job_environ(run.environ)
        assert (
            detect_credential(run.default_audience, environ=environ)
            == run.environ["SPACELIFT_OIDC_TOKEN"]
        )


def test_another_audience_names_the_accounts_host() -> None:
    with Spacelift() as run, pytest.raises(AmbientCredentialError, match="account's host"):
        detect_credential("pypi", environ=job_environ(run.environ))
