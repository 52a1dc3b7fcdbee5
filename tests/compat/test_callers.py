"""The real callers of the contract, unchanged, on this package: twine and sigstore-python."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme

from id.testing import GitHubActions, PyPIIndex


@pytest.fixture
def index_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    ca = trustme.CA()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def enter_job(job: GitHubActions, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in job.environ.items():
        monkeypatch.setenv(name, value)


def test_twine_trusted_publishing(
    index_ca: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twine.auth import CredentialInput, Resolver

    with GitHubActions(repository="pypa/sampleproject") as job:
        enter_job(job, monkeypatch)
        with PyPIIndex(job.issuer.url, {}, tls=index_ca) as index:
            config = {"repository": f"{index.url}/legacy/", "username": None, "password": None}
            resolver = Resolver(config, CredentialInput())  # type: ignore[arg-type]
            assert resolver.make_trusted_publishing_token() == index.upload_token
    assert index.seen_claims is not None
    assert index.seen_claims["repository"] == "pypa/sampleproject"


def test_twine_reports_a_missing_permission(
    index_ca: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twine.auth import CredentialInput, Resolver
    from twine.exceptions import TrustedPublishingFailure

    with GitHubActions(id_token_permission=False) as job:
        enter_job(job, monkeypatch)
        with PyPIIndex(job.issuer.url, {}, tls=index_ca) as index:
            config = {"repository": f"{index.url}/legacy/", "username": None, "password": None}
            resolver = Resolver(config, CredentialInput())  # type: ignore[arg-type]
            with pytest.raises(TrustedPublishingFailure, match="permissions: id-token: write"):
                resolver.make_trusted_publishing_token()


def test_sigstore_detect_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    from sigstore.oidc import IdentityToken, detect_credential

    with GitHubActions(repository="sigstore/demo") as job:
        enter_job(job, monkeypatch)
        token = detect_credential()
    assert token is not None
    assert IdentityToken(token)._unverified_claims["repository"] == "sigstore/demo"
    assert job.requests[0].param("audience") == "sigstore"


def test_sigstore_permission_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    from sigstore.oidc import IdentityError, detect_credential

    with GitHubActions(id_token_permission=False) as job:
        enter_job(job, monkeypatch)
        with pytest.raises(IdentityError) as info:
            detect_credential()
    assert "Insufficient permissions for GitHub Actions workflow" in info.value.diagnostics()
