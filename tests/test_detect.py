"""detect_credential as a whole: order, None, the audience check, errors callers can catch."""

from __future__ import annotations

from pathlib import Path

import pytest

import id as id_package
from id import AmbientCredentialError, IdentityError, InvalidAudienceError, detect_credential
from id.providers import PROVIDERS
from id.testing import Buildkite, GitLabCI, GoogleCloud
from tests.helpers import claims, job_environ


@pytest.mark.usefixtures("off_cloud")
def test_none_when_no_platform_is_present() -> None:
    assert detect_credential("sigstore") is None


def test_order_is_explicit_then_ci_then_files_then_cloud_metadata() -> None:
    names = [p.name for p in PROVIDERS]
    assert names[0] == "token"
    # Forgejo before GitHub: its runner sets GITHUB_ACTIONS too.
    assert names[1:16] == [
        "forgejo", "github", "gitlab", "buildkite", "circleci", "bitbucket", "semaphore",
        "spacelift", "terraform", "env0", "azure-pipelines", "codefresh", "bitrise", "vercel",
        "gitpod",
    ]  # fmt: skip
    # Workloads; Fly before the web-identity file its init writes.
    assert names[16:22] == ["modal", "nomad", "fly", "kubernetes", "aks", "eks"]
    assert names[22] == "gcp"
    # Opt-in providers come last and are never detected on their own.
    assert names[23:] == ["azure-identity", "gcloud", "aws", "google-adc", "vault", "spiffe"]
    assert all(p.opt_in for p in PROVIDERS[23:])
    assert not any(p.opt_in for p in PROVIDERS[:23])


@pytest.mark.parametrize("ci", [GitLabCI, Buildkite])
def test_ci_runner_on_a_google_cloud_vm_gets_its_ci_token(ci: type) -> None:
    with GoogleCloud() as cloud, ci(audiences=["pypi"]) if ci is GitLabCI else ci() as job:
        token = detect_credential("pypi", environ=job_environ({**cloud.environ, **job.environ}))
        assert cloud.requests == []
    assert claims(token)["iss"] == job.issuer.url


@pytest.mark.parametrize("audience", ["", "   ", None, 5])
def test_invalid_audience(audience: object) -> None:
    with pytest.raises(InvalidAudienceError, match="non-empty string"):
        detect_credential(audience)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["soon", "0", "-1", "99999"])
def test_invalid_id_timeout_is_explained(value: str) -> None:
    with GitLabCI(audiences=["pypi"]) as job:
        environ = job_environ({**job.environ, "ID_TIMEOUT": value})
        with pytest.raises(AmbientCredentialError, match=f"ID_TIMEOUT='{value}' is not valid"):
            detect_credential("pypi", environ=environ)


def test_os_errors_inside_a_provider_become_ambient_credential_errors(tmp_path: Path) -> None:
    # An agent that exists but cannot be executed: twine must still get AmbientCredentialError.
    agent = tmp_path / "buildkite-agent"
    agent.write_text("not a program")
    agent.chmod(0o755)
    with Buildkite(agent_installed=False) as job:
        environ = job_environ({**job.environ, "PATH": str(tmp_path)})
        with pytest.raises(AmbientCredentialError, match="Buildkite: .*Exec format error") as info:
            detect_credential("pypi", environ=environ)
    # The cause is not chained: a traceback printed by a caller must hold only redacted text.
    assert info.value.__cause__ is None


def test_error_hierarchy_matches_pypi_id() -> None:
    assert issubclass(id_package.AmbientCredentialError, id_package.IdentityError)
    assert issubclass(
        id_package.GitHubOidcPermissionCredentialError, id_package.AmbientCredentialError
    )
    assert issubclass(id_package.MalformedTokenError, ValueError)
    assert issubclass(IdentityError, Exception)
    assert id_package.__version__ == "2.0.0"


def test_importing_id_loads_no_network_code() -> None:
    import subprocess
    import sys

    code = (
        "import sys, id\n"
        "heavy = {'http.client', 'ssl', 'socket', 'json', 'urllib.request', 'subprocess',"
        " 'typing'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _offline_providers() -> list[str]:
    return [provider.name for provider in PROVIDERS if provider.offline]


@pytest.mark.parametrize("name", _offline_providers())
def test_offline_providers_open_no_socket_and_start_no_process(name: str) -> None:
    # --explain runs fetch() for these: it must only read variables and files.
    import json
    import subprocess
    import sys

    from id.testing import EMULATORS, FixedAudienceJob

    options = {"audiences": ["pypi"]} if issubclass(EMULATORS[name], FixedAudienceJob) else {}
    if name == "gitlab":
        options = {"audiences": ["pypi"]}
    with EMULATORS[name](**options) as job:
        script = (
            "import json, os, sys\n"
            "events = []\n"
            "sys.addaudithook(lambda e, a: events.append(e) if e in "
            "('socket.connect', 'subprocess.Popen', 'os.posix_spawn') else None)\n"
            "from id._views import providers_report\n"
            "report = providers_report(os.environ, 'pypi').text\n"
            "print(json.dumps([events, report]))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=job_environ(job.environ),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    events, report = json.loads(result.stdout)
    assert events == []
    assert "it would answer" in report
