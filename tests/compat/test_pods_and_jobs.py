"""The cases where 2.0 once changed what a caller of PyPI's `id` 1.6.1 does, driven through the
real callers: `twine upload` (a subprocess, reaching "PyPI" on loopback) and sigstore-python.

On a pod or serverless runtime that never asked for trusted publishing, 1.6.1 returns None and
twine falls back to a password; a CI job that did ask gets its token.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from id.testing import (
    AwsWebIdentity,
    AzureWorkloadIdentity,
    Buildkite,
    Emulator,
    GitHubActions,
    GoogleCloud,
    Kubernetes,
)
from tests.compat.index import PYPI_HOST, PyPIOnLoopback
from tests.helpers import job_environ, make_wheel, refused_port


@pytest.fixture
def wheel(tmp_path: Path) -> Path:
    return make_wheel(tmp_path)


def twine_upload(
    wheel: Path, environ: Mapping[str, str], pypi: PyPIOnLoopback, home: Path
) -> subprocess.CompletedProcess[str]:
    """`twine upload --non-interactive WHEEL` with no username or password, as a release job runs
    it: the default repository is PyPI, which `pypi` plays. twine's output is on stdout."""
    env = {
        **job_environ(environ),
        **pypi.environ,
        "HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        # twine prints through rich, which wraps at the terminal's width.
        "COLUMNS": "1000",
    }
    for name in ("TWINE_USERNAME", "TWINE_PASSWORD", "TWINE_REPOSITORY_URL", "TWINE_REPOSITORY"):
        env.pop(name, None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "twine",
            "upload",
            "--non-interactive",
            "--disable-progress-bar",
            str(wheel),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )


def pod(kind: str) -> Emulator:
    """A workload whose own token is for another consumer, as the platforms set it up."""
    if kind == "eks":
        return AwsWebIdentity()  # sts.amazonaws.com
    if kind == "aks":
        return AzureWorkloadIdentity()  # api://AzureADTokenExchange
    return Kubernetes(audiences=["vault"])


@pytest.mark.parametrize("kind", ["eks", "aks", "kubernetes"])
def test_twine_on_a_pod_falls_back_to_a_password(kind: str, wheel: Path, tmp_path: Path) -> None:
    with pod(kind) as workload, PyPIOnLoopback(workload, tmp_path) as pypi:
        result = twine_upload(wheel, workload.environ, pypi, tmp_path)
        assert pypi.proxy is not None
        assert set(pypi.proxy.targets) == {f"{PYPI_HOST}:443"}
    output = result.stdout
    # 1.6.1's path: None from detect_credential, then a password is asked for.
    assert "This environment is not supported for trusted publishing" in output
    assert "Credential not found for API token" in output
    assert "TrustedPublishingFailure" not in output
    assert result.returncode == 1
    assert pypi.index.uploads == []


def test_twine_on_a_plain_kubernetes_pod_falls_back_to_a_password(
    wheel: Path, tmp_path: Path
) -> None:
    # The automounted service-account token alone: nothing id reads.
    with GitHubActions() as unused, PyPIOnLoopback(unused, tmp_path) as pypi:
        result = twine_upload(wheel, {"KUBERNETES_SERVICE_HOST": "10.96.0.1"}, pypi, tmp_path)
    assert "This environment is not supported for trusted publishing" in result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize("variable", ["K_SERVICE", "FUNCTION_TARGET"])
def test_twine_on_cloud_run_without_a_metadata_server_falls_back(
    variable: str, wheel: Path, tmp_path: Path
) -> None:
    with (
        GitHubActions() as unused,
        PyPIOnLoopback(unused, tmp_path) as pypi,
        refused_port() as port,
    ):
        environ = {variable: "release", "GCE_METADATA_HOST": f"127.0.0.1:{port}", "ID_TIMEOUT": "5"}
        result = twine_upload(wheel, environ, pypi, tmp_path)
    assert "This environment is not supported for trusted publishing" in result.stdout
    assert "TrustedPublishingFailure" not in result.stdout
    assert result.returncode == 1


@pytest.mark.parametrize("presence", ["true", "1", "yes"])
def test_twine_in_a_github_job_publishes(presence: str, wheel: Path, tmp_path: Path) -> None:
    # 1.6.1 counts any non-empty GITHUB_ACTIONS as a GitHub job.
    with (
        GitHubActions(repository="pypa/sampleproject") as job,
        PyPIOnLoopback(job, tmp_path) as pypi,
    ):
        result = twine_upload(wheel, {**job.environ, "GITHUB_ACTIONS": presence}, pypi, tmp_path)
    assert result.returncode == 0, result.stdout
    assert len(pypi.index.uploads) == 1
    assert pypi.index.seen_claims is not None
    assert pypi.index.seen_claims["repository"] == "pypa/sampleproject"


def test_twine_in_a_github_job_without_the_permission_says_so(wheel: Path, tmp_path: Path) -> None:
    with GitHubActions(id_token_permission=False) as job, PyPIOnLoopback(job, tmp_path) as pypi:
        result = twine_upload(wheel, job.environ, pypi, tmp_path)
    assert "TrustedPublishingFailure" in result.stdout
    assert "permissions: id-token: write" in result.stdout
    assert result.returncode == 1


def enter(environ: Mapping[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)


def test_sigstore_on_an_eks_pod_finds_no_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    from sigstore.oidc import detect_credential

    with AwsWebIdentity() as workload:
        enter(workload.environ, monkeypatch)
        assert detect_credential() is None


def test_sigstore_with_github_actions_set_to_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from sigstore.oidc import detect_credential

    with GitHubActions() as job:
        enter({**job.environ, "GITHUB_ACTIONS": "1"}, monkeypatch)
        assert detect_credential() is not None


def test_sigstore_gives_no_permission_advice_for_a_rejected_request_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sigstore.oidc import IdentityError, detect_credential

    with GitHubActions() as job:
        enter({**job.environ, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "expired"}, monkeypatch)
        with pytest.raises(IdentityError) as info:
            detect_credential()
    assert "HTTP 401" in str(info.value)
    assert "Insufficient permissions" not in info.value.diagnostics()


def test_sigstore_through_gcp_impersonation(monkeypatch: pytest.MonkeyPatch) -> None:
    # The emulated IAM refuses an access token asked for without the cloud-platform scope.
    from sigstore.oidc import IdentityToken, detect_credential

    account = "signer@example-project.iam.gserviceaccount.com"
    with GoogleCloud(impersonate=account) as cloud:
        enter(cloud.environ, monkeypatch)
        token = detect_credential()
        token_request = cloud.requests[0]
    assert token is not None
    assert IdentityToken(token)._unverified_claims["email"] == account
    assert token_request.param("scopes") == "https://www.googleapis.com/auth/cloud-platform"


def test_sigstore_quotes_what_a_failing_buildkite_agent_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sigstore.oidc import IdentityError, detect_credential

    agent = tmp_path / "buildkite-agent"
    agent.write_text(
        f"#!{sys.executable}\n"
        "print('fatal: failed to get OIDC token: job is not running')\n"
        "raise SystemExit(1)\n"
    )
    agent.chmod(0o755)
    with Buildkite(agent_installed=False) as job:
        enter({**job.environ, "PATH": str(tmp_path)}, monkeypatch)
        with pytest.raises(IdentityError, match="job is not running"):
            detect_credential()
