"""Buildkite, through a stand-in `buildkite-agent` on PATH that asks the emulated agent API."""

from __future__ import annotations

import time

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Buildkite, Faults
from tests.helpers import claims, job_environ


def test_token_from_the_agent() -> None:
    with Buildkite(organization="acme", pipeline="release") as job:
        token = detect_credential("sigstore", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token)["aud"] == "sigstore"
    assert claims(token)["organization_slug"] == "acme"
    assert request.json() == {"audience": "sigstore"}


def test_agent_not_on_path_nor_its_access_token() -> None:
    with Buildkite(agent_installed=False) as job:
        environ = job_environ(job.environ)
        environ["PATH"] = "/nonexistent"
        del environ["BUILDKITE_AGENT_ACCESS_TOKEN"]
        with pytest.raises(
            AmbientCredentialError, match="Buildkite: buildkite-agent is not on PATH"
        ) as info:
            detect_credential("sigstore", environ=environ)
    assert "BUILDKITE_AGENT_ACCESS_TOKEN" in str(info.value)


def test_without_the_agent_binary_the_agent_api_is_asked() -> None:
    # A step in its own container image: no buildkite-agent, but the job's access token.
    with Buildkite(agent_installed=False) as job:
        environ = job_environ({**job.environ, "PATH": "/nonexistent"})
        token = detect_credential("sigstore", environ=environ)
        (request,) = job.requests
    assert claims(token or "")["aud"] == "sigstore"
    assert request.method == "POST"
    assert request.path == f"/v3/jobs/{job.job_id}/oidc/tokens"
    assert request.headers["authorization"] == f"Token {job.agent_token}"
    assert request.json() == {"audience": "sigstore"}


def test_the_agent_api_refusing_is_reported_without_the_access_token() -> None:
    with Buildkite(agent_installed=False, faults=Faults(status=403, body=b"denied")) as job:
        environ = job_environ({**job.environ, "PATH": "/nonexistent"})
        with pytest.raises(AmbientCredentialError, match="the agent API answered HTTP 403") as info:
            detect_credential("sigstore", environ=environ)
    assert job.agent_token not in str(info.value)


def test_agent_error_carries_its_stderr() -> None:
    with Buildkite(
        faults=Faults(status=403, body=b'{"message":"OIDC tokens are disabled"}')
    ) as job:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("sigstore", environ=job_environ(job.environ))
    message = str(info.value)
    assert "buildkite-agent oidc request-token failed (exit status 1)" in message
    assert "fatal: failed to get OIDC token" in message
    assert "OIDC tokens are disabled" in message


def test_hanging_agent_is_stopped_at_the_deadline() -> None:
    with Buildkite(faults=Faults(delay=20)) as job:
        environ = job_environ({**job.environ, "ID_TIMEOUT": "1.5"})
        started = time.monotonic()
        with pytest.raises(AmbientCredentialError, match=r"did not finish within 1\.\d+ s"):
            detect_credential("sigstore", environ=environ)
        assert time.monotonic() - started < 4


def test_agent_printing_nothing() -> None:
    with Buildkite(faults=Faults(body=b'{"token": ""}')) as job:
        with pytest.raises(AmbientCredentialError, match="printed no token"):
            detect_credential("sigstore", environ=job_environ(job.environ))
