"""Fly.io Machines: tokens from the Machine API over its unix socket, asked before the AWS
web-identity file that Fly's init also writes."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AwsWebIdentity, Faults, FlyMachines
from tests.helpers import claims, job_environ


def test_a_machine_gets_a_token_for_any_audience_over_the_socket() -> None:
    with FlyMachines(org="acme") as machine:
        token = detect_credential("pypi", environ=job_environ(machine.environ))
        (request,) = machine.token_requests
    assert claims(token or "")["aud"] == "pypi"
    assert claims(token or "")["sub"].startswith("acme:release:")
    assert request["path"] == "/v1/tokens/oidc"


def test_fly_is_asked_before_the_web_identity_file_its_init_writes() -> None:
    with FlyMachines() as machine, AwsWebIdentity() as init_file:
        environ = job_environ({**init_file.environ, **machine.environ})
        assert claims(detect_credential("pypi", environ=environ) or "")["app_name"] == "release"


@pytest.mark.usefixtures("off_cloud")
def test_without_the_socket_fly_is_not_detected() -> None:
    with FlyMachines() as machine:
        environ = job_environ({**machine.environ, "ID_FLY_API_SOCKET": "/nonexistent/api"})
        assert detect_credential("pypi", environ=environ) is None


@pytest.mark.usefixtures("off_cloud")
def test_a_socket_that_gives_no_token_is_skipped_with_the_reason() -> None:
    with FlyMachines(faults=Faults(status=503, body=b"init is not ready")) as machine:
        environ = job_environ(machine.environ)
        assert detect_credential("pypi", environ=environ) is None
        with pytest.raises(AmbientCredentialError, match="Machine API at .* answered HTTP 503"):
            detect_credential("pypi", environ=environ, provider="fly")
