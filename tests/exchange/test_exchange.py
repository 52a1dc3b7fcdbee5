"""`python -m id.exchange`: each target end to end on an emulated GitHub job, with its real
consumer (twine, boto3, google-auth) where there is one, and each failure mode."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from id.testing import (
    AwsStsFederation,
    Faults,
    GitHubActions,
    GoogleStsFederation,
    PyPIIndex,
    VaultJwtAuth,
)
from tests.helpers import job_environ, make_wheel, refused_port, run_exchange

ROLE = "arn:aws:iam::123456789012:role/release"
POOL = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/providers/gh"


# PyPI


def test_pypi_mints_an_upload_token_that_twine_uploads_with(
    tls: tuple[ssl.SSLContext, str], tmp_path: Path
) -> None:
    context, bundle = tls
    with (
        GitHubActions(repository="octo-org/octo-repo") as job,
        PyPIIndex(job.issuer.url, {"repository": "octo-org/octo-repo"}, tls=context) as index,
    ):
        env = job_environ({**job.environ, "SSL_CERT_FILE": bundle})
        url = f"{index.url}/legacy/"
        minted = run_exchange("pypi", "--repository-url", url, env=env)
        assert minted.returncode == 0, minted.stderr
        token = minted.stdout.strip()
        assert token == index.upload_token
        # In a GitHub runner, the one line on stderr has the runner mask the token it prints.
        assert minted.stderr == f"::add-mask::{token}\n"
        wheel = make_wheel(tmp_path)
        upload = subprocess.run(
            [sys.executable, "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
             "--repository-url", url, "-u", "__token__", "-p", token, str(wheel)],
            env={**env, "REQUESTS_CA_BUNDLE": bundle, "HOME": str(tmp_path)},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert upload.returncode == 0, upload.stdout + upload.stderr
        assert len(index.uploads) == 1


def test_pypi_refusal_explains_the_claims_never_the_token(tls: tuple[ssl.SSLContext, str]) -> None:
    context, bundle = tls
    with (
        GitHubActions(repository="someone/fork") as job,
        PyPIIndex(job.issuer.url, {"repository": "octo-org/octo-repo"}, tls=context) as index,
    ):
        env = job_environ({**job.environ, "SSL_CERT_FILE": bundle})
        result = run_exchange("pypi", "--repository-url", f"{index.url}/legacy/", env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "invalid-publisher" in result.stderr
    assert "repository='someone/fork'" in result.stderr
    assert "eyJ" not in result.stderr


def test_pypi_index_derivation_follows_twine() -> None:
    from id.exchange.pypi import index_url

    assert index_url("https://upload.pypi.org/legacy/") == "https://upload.pypi.org"
    assert index_url("https://test.pypi.org/legacy/") == "https://test.pypi.org"
    assert index_url("https://pypi.example.com:8443/upload/") == "https://pypi.example.com:8443"


# AWS


def test_aws_credential_process_gives_boto3_credentials(tmp_path: Path) -> None:
    boto3 = pytest.importorskip("boto3")
    with GitHubActions() as job, AwsStsFederation(job.issuer.url, ROLE) as sts:
        config = tmp_path / "config"
        config.write_text(
            "[profile release]\n"
            f"credential_process = {sys.executable} -m id.exchange aws --role-arn {ROLE} "
            "--role-session-name ci\n"
        )
        env = job_environ(
            {**job.environ, "AWS_CONFIG_FILE": str(config), "AWS_ENDPOINT_URL_STS": sts.url,
             "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_REGION": "eu-west-1"}
        )  # fmt: skip
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            session = boto3.Session(profile_name="release")
            identity = session.client("sts", region_name="eu-west-1").get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/release/ci"


def test_aws_prints_the_credential_process_json() -> None:
    with GitHubActions() as job, AwsStsFederation(job.issuer.url, ROLE) as sts:
        env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url})
        result = run_exchange("aws", "--role-arn", ROLE, env=env)
    answer = json.loads(result.stdout)
    assert answer["Version"] == 1
    assert set(answer) == {
        "Version",
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    }


@pytest.mark.parametrize(
    ("role", "faults", "message"),
    [
        ("arn:aws:iam::123456789012:role/other", None, "AccessDenied: Not authorized"),
        (ROLE, Faults(status=503), "HTTP 503|failed after"),
    ],
    ids=["unknown role", "server error"],
)
def test_aws_failures_are_explained(role: str, faults: Faults | None, message: str) -> None:
    import re

    with GitHubActions() as job, AwsStsFederation(job.issuer.url, ROLE) as sts:
        if faults is not None:
            sts.server.faults = faults
        env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url, "ID_TIMEOUT": "3"})
        result = run_exchange("aws", "--role-arn", role, env=env)
    assert result.returncode == 1
    assert re.search(message, result.stderr), result.stderr
    assert "eyJ" not in result.stderr


def test_aws_network_fault_is_one_line() -> None:
    with GitHubActions() as job, refused_port() as port:
        env = job_environ(
            {**job.environ, "AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{port}", "ID_TIMEOUT": "3"}
        )
        result = run_exchange("aws", "--role-arn", ROLE, env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "ConnectionRefused" in result.stderr


def test_aws_region_picks_the_regional_endpoint() -> None:
    from id.exchange.aws import sts_endpoint

    assert sts_endpoint({"AWS_REGION": "eu-west-1"}) == "https://sts.eu-west-1.amazonaws.com"
    assert sts_endpoint({}) == "https://sts.amazonaws.com"
    assert sts_endpoint({"AWS_ENDPOINT_URL": "https://x.example/"}) == "https://x.example"


# Google Cloud


def test_google_auth_runs_the_executable_and_gets_an_access_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("google.auth")
    from google.auth import pluggable
    from google.auth.transport.requests import Request

    with GitHubActions() as job, GoogleStsFederation(job.issuer.url, POOL) as sts:
        config_path = tmp_path / "external_account.json"
        written = run_exchange(
            "gcp", "--write-config", str(config_path), "--pool-provider", POOL,
            env=job_environ(job.environ),
        )  # fmt: skip
        assert written.returncode == 0, written.stderr
        config = json.loads(config_path.read_text())
        config["token_url"] = f"{sts.url}/v1/token"
        config["credential_source"]["executable"]["command"] = (
            f"{sys.executable} -m id.exchange gcp"
        )
        for name, value in {
            **job.environ,
            "GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES": "1",
        }.items():
            monkeypatch.setenv(name, value)
        credentials = pluggable.Credentials.from_info(config)
        credentials.refresh(Request())
    assert credentials.token == sts.access_token


def test_gcp_failure_is_a_versioned_response_with_a_non_zero_exit(tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    env = job_environ(
        {
            "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": POOL,
            "GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE": str(output),
            "PATH": "/nonexistent",
        }
    )
    result = run_exchange("gcp", env=env)
    answer = json.loads(result.stdout)
    assert result.returncode == 1
    assert answer["version"] == 1
    assert answer["success"] is False
    assert answer["code"] == "NO_IDENTITY"
    assert json.loads(output.read_text()) == answer


def test_gcp_success_prints_nothing_on_stderr() -> None:
    with GitHubActions() as job:
        env = job_environ({**job.environ, "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": POOL})
        result = run_exchange("gcp", env=env)
    answer = json.loads(result.stdout)
    assert (result.returncode, result.stderr) == (0, "")
    assert answer["success"] is True
    assert answer["token_type"] == "urn:ietf:params:oauth:token-type:id_token"


# Vault


def test_vault_login_gives_a_client_token() -> None:
    with GitHubActions() as job, VaultJwtAuth(job.issuer.url) as vault:
        env = job_environ({**job.environ, "VAULT_ADDR": vault.url})
        result = run_exchange("vault", "--role", "release", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == vault.client_token


def test_vault_refusal_names_the_role_and_audience() -> None:
    with GitHubActions() as job, VaultJwtAuth(job.issuer.url, bound_audience="other") as vault:
        env = job_environ({**job.environ, "VAULT_ADDR": vault.url})
        result = run_exchange("vault", "--role", "release", env=env)
    assert result.returncode == 1
    assert "role 'release'" in result.stderr
    assert "bound_audiences" in result.stderr
    assert "eyJ" not in result.stderr


def test_no_platform_is_a_clear_error() -> None:
    result = run_exchange(
        "vault", "--role", "r", env=job_environ({"VAULT_ADDR": "https://v.example"})
    )
    if "Google Cloud" in result.stderr:
        pytest.skip("this machine is a Google Cloud VM")
    assert result.returncode == 1
    assert "no supported platform is detected here" in result.stderr


def test_pypi_network_fault_is_one_line(tls: tuple[ssl.SSLContext, str]) -> None:
    _, bundle = tls
    with GitHubActions() as job, refused_port() as port:
        env = job_environ({**job.environ, "SSL_CERT_FILE": bundle, "ID_TIMEOUT": "3"})
        result = run_exchange(
            "pypi", "--repository-url", f"https://127.0.0.1:{port}/legacy/", env=env
        )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_vault_server_error_is_reported() -> None:
    with GitHubActions() as job, VaultJwtAuth(job.issuer.url) as vault:
        vault.server.faults = Faults(status=500, body=b"internal error")
        env = job_environ({**job.environ, "VAULT_ADDR": vault.url, "ID_TIMEOUT": "3"})
        result = run_exchange("vault", "--role", "release", env=env)
    assert result.returncode == 1
    assert "HTTP 500" in result.stderr
