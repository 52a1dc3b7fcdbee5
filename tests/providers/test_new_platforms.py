"""Vercel, Gitpod and Vault against their emulators."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Faults, Gitpod, Vault, Vercel
from tests.helpers import claims, job_environ


def test_vercel_default_audience_is_the_builds_own_token() -> None:
    with Vercel() as build:
        environ = job_environ(build.environ)
        assert detect_credential(build.default_audience, environ=environ) == build.build_token
        assert build.requests == []


def test_vercel_exchanges_its_token_for_another_audience() -> None:
    with Vercel() as build:
        token = detect_credential("pypi", environ=job_environ(build.environ))
        (request,) = build.requests
    assert claims(token or "")["aud"] == "pypi"
    assert claims(token or "")["act"] == {"sub": build.default_audience}
    assert request.json() == {"token": build.build_token, "aud": "pypi"}


def test_vercel_without_oidc_names_the_setting() -> None:
    with Vercel(oidc=False) as build:
        with pytest.raises(AmbientCredentialError, match="Secure backend access with OIDC"):
            detect_credential("pypi", environ=job_environ(build.environ))


def test_vercel_exchange_refused_hides_the_token() -> None:
    with Vercel(faults=Faults(status=401, body=b"bad token")) as build:
        with pytest.raises(
            AmbientCredentialError, match="token exchange answered HTTP 401"
        ) as info:
            detect_credential("pypi", environ=job_environ(build.environ))
    assert build.build_token.split(".")[1] not in str(info.value)


def test_gitpod_asks_gp_for_any_audience() -> None:
    with Gitpod() as workspace:
        token = detect_credential("pypi", environ=job_environ(workspace.environ))
    assert claims(token or "")["aud"] == "pypi"
    assert claims(token or "")["sub"].startswith("https://github.com/")


def test_gitpod_without_gp() -> None:
    with Gitpod(gp_installed=False) as workspace:
        environ = job_environ({**workspace.environ, "PATH": "/nonexistent"})
        with pytest.raises(AmbientCredentialError, match="`gp` is not on PATH"):
            detect_credential("pypi", environ=environ)


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
