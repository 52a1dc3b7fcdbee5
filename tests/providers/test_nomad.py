"""HashiCorp Nomad: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Nomad
from tests.helpers import claims, job_environ


def test_nomad_picks_the_identity_for_the_audience() -> None:
    with Nomad() as task:
        environ = job_environ(task.environ)
        assert claims(detect_credential("pypi", environ=environ) or "")["sub"].endswith(":release")
        assert claims(detect_credential("nomadproject.io", environ=environ) or "")["sub"].endswith(
            ":default"
        )


def test_nomad_prefers_the_renewed_file_to_the_variable() -> None:
    with Nomad(identities={"release": ["pypi"]}) as task:
        environ = job_environ(task.environ)
        path = f"{environ['NOMAD_SECRETS_DIR']}/nomad_release.jwt"
        renewed = task.identity_token("release")
        with open(path, "w", encoding="utf-8") as file:
            file.write(renewed)
        assert detect_credential("pypi", environ=environ) == renewed


def test_nomad_files_alone_and_variables_alone_both_work() -> None:
    for options in ({"env": False}, {"file": False}):
        with Nomad(identities={"release": ["pypi"]}, **options) as task:  # type: ignore[arg-type]
            assert detect_credential("pypi", environ=job_environ(task.environ))


@pytest.mark.usefixtures("off_cloud")
def test_nomad_without_an_identity_for_the_audience_skips_and_says_what_it_has() -> None:
    with Nomad(identities={"": ["nomadproject.io"]}) as task:
        environ = job_environ(task.environ)
        assert detect_credential("pypi", environ=environ) is None
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=environ, provider="nomad")
    message = str(info.value)
    assert "no workload identity for 'pypi'" in message
    assert "holds a token for 'nomadproject.io'" in message
    assert 'aud = ["pypi"]' in message


@pytest.mark.usefixtures("off_cloud")
def test_nomads_acl_token_is_never_used_or_shown() -> None:
    acl = "7b5e7f2c-1d3a-4b6e-9f0a-2c4d6e8f0a1b"
    with Nomad(identities={}, acl_token=acl) as task:
        environ = job_environ(task.environ)
        assert detect_credential("pypi", environ=environ) is None
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=environ, provider="nomad")
    assert acl not in str(info.value)
