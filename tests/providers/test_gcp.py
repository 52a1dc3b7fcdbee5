"""Google Cloud: detection without network, the metadata server, IAM impersonation."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from id import AmbientCredentialError, detect_credential
from id.providers.gcp import GoogleCloud as GoogleCloudProvider
from id.testing import Faults, GoogleCloud
from tests.helpers import claims, job_environ, refused_port


@pytest.mark.parametrize(
    ("product", "detected"),
    [("Google Compute Engine\n", True), ("Google", True), ("KVM", False), ("", False)],
)
def test_detected_by_the_dmi_product_name(tmp_path: Path, product: str, detected: bool) -> None:
    dmi = tmp_path / "product_name"
    dmi.write_text(product)
    reason = GoogleCloudProvider(dmi_product_name=str(dmi)).detect({})
    assert (reason is not None) == detected
    if detected:
        assert str(dmi) in reason


def test_missing_dmi_file_means_not_here(tmp_path: Path) -> None:
    assert GoogleCloudProvider(dmi_product_name=str(tmp_path / "absent")).detect({}) is None


@pytest.mark.parametrize(
    "variable",
    ["GCE_METADATA_HOST", "GCE_METADATA_IP", "K_SERVICE", "CLOUD_RUN_JOB", "FUNCTION_TARGET"],
)
def test_detected_by_variables(tmp_path: Path, variable: str) -> None:
    provider = GoogleCloudProvider(dmi_product_name=str(tmp_path / "absent"))
    reason = provider.detect({variable: "x"})
    assert reason is not None
    assert variable in reason


@pytest.mark.usefixtures("off_cloud")
def test_no_network_and_no_subprocess_when_no_platform_is_present() -> None:
    # Audit hooks see every socket and process the interpreter opens; they cannot be removed,
    # hence the separate interpreter.
    script = (
        "import sys\n"
        "events = []\n"
        "sys.addaudithook(lambda e, a: events.append(e) if e.split('.')[0] in "
        "('socket', 'subprocess', 'os') and e != 'os.listdir' else None)\n"
        "import id\n"
        "assert id.detect_credential('sigstore') is None\n"
        "print(sorted(set(events)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_identity_token_from_the_metadata_server() -> None:
    with GoogleCloud(service_account="ci@proj.iam.gserviceaccount.com") as cloud:
        token = detect_credential("sigstore", environ=job_environ(cloud.environ))
        (request,) = cloud.requests
    payload = claims(token)
    assert payload["aud"] == "sigstore"
    assert payload["email"] == "ci@proj.iam.gserviceaccount.com"
    assert "compute_engine" in payload["google"]
    assert request.path.endswith("/service-accounts/default/identity")
    assert request.query == {"audience": ["sigstore"], "format": ["full"]}
    assert request.headers["metadata-flavor"] == "Google"


def test_metadata_ip_is_used_without_metadata_host() -> None:
    with GoogleCloud() as cloud:
        environ = job_environ(cloud.environ)
        environ["GCE_METADATA_IP"] = environ.pop("GCE_METADATA_HOST")
        token = detect_credential("sigstore", environ=environ)
    assert claims(token)["aud"] == "sigstore"


def test_impersonation_through_iam() -> None:
    target = "deployer@proj.iam.gserviceaccount.com"
    with GoogleCloud(impersonate=target) as cloud:
        token = detect_credential("sigstore", environ=job_environ(cloud.environ))
        token_request, iam_request = cloud.requests
    assert claims(token)["email"] == target
    assert claims(token)["aud"] == "sigstore"
    assert token_request.path.endswith("/service-accounts/default/token")
    assert iam_request.method == "POST"
    assert iam_request.path == f"/v1/projects/-/serviceAccounts/{target}:generateIdToken"
    assert iam_request.headers["authorization"] == f"Bearer {cloud.access_token}"
    assert iam_request.json() == {"audience": "sigstore", "includeEmail": True}


def test_impersonation_refused_names_the_role_and_hides_the_access_token() -> None:
    with GoogleCloud(
        impersonate="deployer@proj.iam.gserviceaccount.com", impersonable=frozenset()
    ) as cloud:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("sigstore", environ=job_environ(cloud.environ))
    message = str(info.value)
    assert "roles/iam.serviceAccountOpenIdTokenCreator" in message
    assert "PERMISSION_DENIED" in message
    assert cloud.access_token not in message


def test_iam_over_plain_http_to_a_remote_host_is_refused() -> None:
    with GoogleCloud(impersonate="deployer@proj.iam.gserviceaccount.com") as cloud:
        environ = job_environ(
            {**cloud.environ, "ID_GCP_IAM_ENDPOINT": "http://iam.example.invalid"}
        )
        with pytest.raises(
            AmbientCredentialError, match="refusing to send a credential over plain HTTP"
        ):
            detect_credential("sigstore", environ=environ)


def test_no_service_account_is_skipped() -> None:
    # A VM without a service account never asked for OIDC: None (PyPI's id 1.6.1 raised here).
    with GoogleCloud(faults=Faults(status=404, body=b"Not Found")) as cloud:
        environ = job_environ(cloud.environ)
        assert detect_credential("sigstore", environ=environ) is None
        with pytest.raises(AmbientCredentialError, match="no default service account"):
            detect_credential("sigstore", environ=environ, provider="gcp")


def test_unreachable_metadata_server_fails_within_the_deadline() -> None:
    # A closed loopback port: connection refused on every attempt.

    with refused_port() as port:
        environ = job_environ({"GCE_METADATA_HOST": f"127.0.0.1:{port}", "ID_TIMEOUT": "5"})
        started = time.monotonic()
        assert detect_credential("sigstore", environ=environ) is None
        assert time.monotonic() - started < 5 + 5
        with pytest.raises(
            AmbientCredentialError,
            match="Google Cloud: the metadata server at 127.0.0.1:.* gave no answer: GET .* failed",
        ):
            detect_credential("sigstore", environ=environ, provider="gcp")


@pytest.mark.parametrize("variable", ["K_SERVICE", "FUNCTION_TARGET", "CLOUD_RUN_JOB"])
def test_serverless_runtime_without_a_metadata_server_is_skipped(variable: str) -> None:
    # Cloud Run or Cloud Functions where the metadata server does not answer: as 1.6.1, None.
    environ = job_environ({variable: "svc", "GCE_METADATA_HOST": "127.0.0.1:9", "ID_TIMEOUT": "3"})
    assert detect_credential("pypi", environ=environ) is None
