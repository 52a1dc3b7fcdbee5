"""An explicit token (ID_OIDC_TOKEN, ID_OIDC_TOKEN_FILE): against its emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import OIDCIssuer
from tests.helpers import job_environ


@pytest.fixture(scope="module")
def issuer() -> OIDCIssuer:
    return OIDCIssuer("https://platform.example")


def token(issuer: OIDCIssuer, audience: str | list[str]) -> str:
    return issuer.mint({"sub": "job", "aud": audience})


def test_explicit_token_comes_first_and_is_checked(issuer: OIDCIssuer, tmp_path: Path) -> None:
    given = token(issuer, "pypi")
    environ = job_environ({"ID_OIDC_TOKEN": given, "GITHUB_ACTIONS": "true"})
    assert detect_credential("pypi", environ=environ) == given
    with pytest.raises(
        AmbientCredentialError, match="ID_OIDC_TOKEN holds a token for 'pypi', not 'x'"
    ):
        detect_credential("x", environ=environ)
    path = tmp_path / "t"
    path.write_text(given)
    assert (
        detect_credential("pypi", environ=job_environ({"ID_OIDC_TOKEN_FILE": str(path)})) == given
    )
