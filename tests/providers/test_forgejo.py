"""Forgejo Actions (GitHub's protocol at Forgejo's path) and Gitea Actions (no tokens yet): asked
before GitHub, whose variables their runners set too, and named in every message."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, GitHubOidcPermissionCredentialError, detect_credential
from id.testing import ForgejoActions
from tests.helpers import claims, job_environ


def test_a_forgejo_job_gets_its_token() -> None:
    with ForgejoActions(repository="forgejo/release") as job:
        token = detect_credential("pypi", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token or "")["repository"] == "forgejo/release"
    assert request.query == {"placeholder": ["true"], "audience": ["pypi"]}


def test_without_enable_openid_connect_the_error_names_forgejos_setting() -> None:
    with ForgejoActions(enable_openid_connect=False) as job:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=job_environ(job.environ))
    message = str(info.value)
    assert message.startswith("Forgejo Actions: this job may not request OIDC tokens")
    assert "enable-openid-connect: true" in message
    assert "id-token: write" not in message
    # Not GitHub's permission error: sigstore would advise `permissions: id-token: write`.
    assert not isinstance(info.value, GitHubOidcPermissionCredentialError)


def test_a_gitea_job_is_told_gitea_has_no_tokens() -> None:
    environ = job_environ({"GITEA_ACTIONS": "true", "GITHUB_ACTIONS": "true"})
    with pytest.raises(AmbientCredentialError, match="Gitea Actions: Gitea gives jobs no OIDC"):
        detect_credential("pypi", environ=environ)
