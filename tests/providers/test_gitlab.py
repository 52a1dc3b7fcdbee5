"""GitLab CI: the `<AUD>_ID_TOKEN` convention and its errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from id import AmbientCredentialError, detect_credential
from id.providers.gitlab import variable_name
from id.testing import GitLabCI
from tests.helpers import claims, job_environ


@pytest.mark.parametrize(
    ("audience", "name"),
    [
        ("pypi", "PYPI_ID_TOKEN"),
        ("sigstore", "SIGSTORE_ID_TOKEN"),
        ("testpypi", "TESTPYPI_ID_TOKEN"),
        ("https://example.com/x", "HTTPS___EXAMPLE_COM_X_ID_TOKEN"),
        # A leading digit is replaced, not prefixed: PyPI id's rule, kept for compatibility.
        ("11 other audience", "_1_OTHER_AUDIENCE_ID_TOKEN"),
        ("_private", "_PRIVATE_ID_TOKEN"),
    ],
)
def test_variable_name(audience: str, name: str) -> None:
    assert variable_name(audience) == name


@given(st.text(min_size=1, max_size=60))
def test_variable_name_is_always_a_valid_environment_variable(audience: str) -> None:
    name = variable_name(audience)
    assert re.fullmatch(r"[A-Z_][A-Z0-9_]*_ID_TOKEN", name)
    upper = audience.upper()
    assert len(name) == len(upper) + len("_ID_TOKEN")
    for index, char in enumerate(upper):
        kept = re.fullmatch(r"[A-Z0-9_]", char) and not (index == 0 and char.isdigit())
        assert name[index] == (char if kept else "_")


def test_token_from_the_declared_variable() -> None:
    with GitLabCI(audiences=["pypi", "sigstore"], project_path="group/app") as job:
        token = detect_credential("sigstore", environ=job_environ(job.environ))
    assert claims(token)["aud"] == "sigstore"
    assert claims(token)["project_path"] == "group/app"


def test_missing_variable_shows_the_yaml_to_add() -> None:
    with GitLabCI(audiences=["pypi"]) as job:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("sigstore", environ=job_environ(job.environ))
    assert str(info.value) == (
        "GitLab CI: no ID token for audience 'sigstore': the variable SIGSTORE_ID_TOKEN is not "
        "set (PYPI_ID_TOKEN holds a token for 'pypi', not 'sigstore'). Declare it in "
        ".gitlab-ci.yml, in the job that needs it:\n"
        "  id_tokens:\n    SIGSTORE_ID_TOKEN:\n      aud: sigstore"
    )


def test_audience_that_needs_quoting_in_yaml() -> None:
    with GitLabCI() as job:
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("https://vault.example.com: x", environ=job_environ(job.environ))
    assert 'aud: "https://vault.example.com: x"' in str(info.value)


def test_empty_variable() -> None:
    with GitLabCI() as job:
        environ = job_environ({**job.environ, "PYPI_ID_TOKEN": ""})
        with pytest.raises(AmbientCredentialError, match="PYPI_ID_TOKEN is empty"):
            detect_credential("pypi", environ=environ)


def test_variable_holding_a_token_for_another_audience() -> None:
    with GitLabCI(id_tokens={"PYPI_ID_TOKEN": "testpypi"}) as job:
        with pytest.raises(
            AmbientCredentialError,
            match="GitLab CI returned a token for audience 'testpypi', not 'pypi'",
        ):
            detect_credential("pypi", environ=job_environ(job.environ))


def test_a_token_under_another_name_is_used_when_its_audience_fits() -> None:
    with GitLabCI(id_tokens={"VAULT_ID_TOKEN": "pypi", "SIGSTORE_ID_TOKEN": "sigstore"}) as job:
        environ = job_environ(job.environ)
        assert detect_credential("pypi", environ=environ) == environ["VAULT_ID_TOKEN"]


def test_the_error_lists_the_other_tokens_and_their_audiences_never_the_tokens() -> None:
    with GitLabCI(id_tokens={"VAULT_ID_TOKEN": "https://vault.example.com"}) as job:
        environ = job_environ(job.environ)
        with pytest.raises(AmbientCredentialError) as info:
            detect_credential("pypi", environ=environ)
    message = str(info.value)
    assert "VAULT_ID_TOKEN holds a token for 'https://vault.example.com'" in message
    assert "PYPI_ID_TOKEN:\n      aud: pypi" in message
    assert environ["VAULT_ID_TOKEN"] not in message
