"""HashiCorp Vault identity tokens (opt-in): against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Vault
from tests.helpers import claims, job_environ


def test_vault_is_opt_in_and_gives_the_roles_token() -> None:
    with Vault(namespace="team-a") as vault:
        environ = job_environ(vault.environ)
        token = detect_credential("pypi", environ=environ, provider="vault")
        (request,) = vault.requests
    assert claims(token or "")["aud"] == "pypi"
    assert request.path == "/v1/identity/oidc/token/pypi"
    assert request.headers["x-vault-namespace"] == "team-a"


@pytest.mark.usefixtures("off_cloud")
def test_vault_is_never_detected_on_its_own() -> None:
    with Vault() as vault:
        assert detect_credential("pypi", environ=job_environ(vault.environ)) is None
        assert vault.requests == []


def test_vault_errors_name_the_fix_and_hide_the_token() -> None:
    with Vault(readable=False) as vault:
        with pytest.raises(AmbientCredentialError, match='capabilities = \\["read"\\]') as info:
            detect_credential("pypi", environ=job_environ(vault.environ), provider="vault")
    assert vault.vault_token not in str(info.value)
    with Vault(role="nope") as vault:
        with pytest.raises(AmbientCredentialError, match='role \\\\"nope\\\\" not found|not found'):
            detect_credential("pypi", environ=job_environ(vault.environ), provider="vault")
    with Vault() as vault:
        environ = job_environ({**vault.environ, "ID_VAULT_ROLE": ""})
        with pytest.raises(AmbientCredentialError, match="name the identity-token role"):
            detect_credential("pypi", environ=environ, provider="vault")


def test_vault_over_plain_http_elsewhere_is_refused() -> None:
    environ = job_environ(
        {"VAULT_ADDR": "http://vault.example.com:8200", "VAULT_TOKEN": "hvs.secret-value",
         "ID_VAULT_ROLE": "pypi"}
    )  # fmt: skip
    with pytest.raises(
        AmbientCredentialError, match="refusing to send a credential over plain"
    ) as info:
        detect_credential("pypi", environ=environ, provider="vault")
    assert "hvs.secret-value" not in str(info.value)
