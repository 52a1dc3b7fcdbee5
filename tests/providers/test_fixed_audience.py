"""Platforms whose token is in a variable or a file, for an audience fixed in their configuration:
the token when it matches, and errors naming the setting when it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import GitLabCI, OIDCIssuer
from tests.helpers import claims, job_environ


@pytest.fixture(scope="module")
def issuer() -> OIDCIssuer:
    return OIDCIssuer("https://platform.example")


def token(issuer: OIDCIssuer, audience: str | list[str]) -> str:
    return issuer.mint({"sub": "job", "aud": audience})


VARIABLE_PLATFORMS = {
    # name: (presence variables, token variable, phrase of the wrong-audience fix)
    "bitbucket": (
        {"BITBUCKET_BUILD_NUMBER": "7"}, "BITBUCKET_STEP_OIDC_TOKEN",
        "oidc:\n    audiences:\n      - pypi",
    ),
    "semaphore": ({"SEMAPHORE": "true"}, "SEMAPHORE_OIDC_TOKEN", "organisation's URL"),
    "spacelift": ({}, "SPACELIFT_OIDC_TOKEN", "account's host"),
    "env0": ({}, "ENV0_OIDC_TOKEN", "one fixed audience"),
}  # fmt: skip


@pytest.mark.parametrize("platform", list(VARIABLE_PLATFORMS))
def test_variable_token_for_the_audience(platform: str, issuer: OIDCIssuer) -> None:
    presence, variable, _ = VARIABLE_PLATFORMS[platform]
    environ = job_environ({**presence, variable: token(issuer, ["other", "pypi"])})
    assert claims(detect_credential("pypi", environ=environ, provider=platform))["sub"] == "job"
    # Detected on its own too, without naming it.
    assert detect_credential("pypi", environ=environ) == environ[variable]


@pytest.mark.parametrize("platform", list(VARIABLE_PLATFORMS))
def test_variable_token_for_another_audience_names_the_setting(
    platform: str, issuer: OIDCIssuer
) -> None:
    presence, variable, fix = VARIABLE_PLATFORMS[platform]
    environ = job_environ({**presence, variable: token(issuer, "org-default")})
    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ=environ)
    message = str(info.value)
    assert f"{variable} holds a token for 'org-default', not 'pypi'" in message
    assert fix in message


def test_variable_holding_garbage() -> None:
    environ = job_environ({"SEMAPHORE": "true", "SEMAPHORE_OIDC_TOKEN": "garbage"})
    with pytest.raises(AmbientCredentialError, match="SEMAPHORE_OIDC_TOKEN is not a usable JWT"):
        detect_credential("pypi", environ=environ)


FILE_PLATFORMS = {
    "kubernetes": (
        "ID_KUBERNETES_TOKEN_FILE", {"KUBERNETES_SERVICE_HOST": "10.0.0.1"},
        "serviceAccountToken:\n          audience: pypi",
    ),
    "aks": ("AZURE_FEDERATED_TOKEN_FILE", {}, "api://AzureADTokenExchange"),
    "eks": ("AWS_WEB_IDENTITY_TOKEN_FILE", {}, "eks.amazonaws.com/audience: pypi"),
}  # fmt: skip


@pytest.mark.parametrize("platform", list(FILE_PLATFORMS))
def test_token_file_is_read_afresh_on_every_call(
    platform: str, issuer: OIDCIssuer, tmp_path: Path
) -> None:
    variable, extra, _ = FILE_PLATFORMS[platform]
    path = tmp_path / "token"
    environ = job_environ({**extra, variable: str(path)})
    first = token(issuer, "pypi")
    path.write_text(first + "\n")
    assert detect_credential("pypi", environ=environ) == first
    rotated = token(issuer, "pypi")  # the platform rotates the file
    path.write_text(rotated)
    assert detect_credential("pypi", environ=environ) == rotated != first


@pytest.mark.parametrize("platform", list(FILE_PLATFORMS))
def test_token_file_for_another_audience_is_skipped(
    platform: str, issuer: OIDCIssuer, tmp_path: Path
) -> None:
    # The workload's token is for the consumer it was set up for: a tool asking for its own
    # audience on such a pod gets None, as with PyPI's id 1.6.1; named, the reason is an error.
    variable, extra, fix = FILE_PLATFORMS[platform]
    path = tmp_path / "token"
    path.write_text(token(issuer, "sts.amazonaws.com"))
    environ = job_environ({**extra, variable: str(path)})
    assert detect_credential("pypi", environ=environ) is None
    assert detect_credential("sts.amazonaws.com", environ=environ) == path.read_text()
    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ=environ, provider=platform)
    assert f"the file {path} holds a token for 'sts.amazonaws.com', not 'pypi'" in str(info.value)
    assert fix in str(info.value)


def test_a_skipped_token_file_lets_the_next_provider_answer(
    issuer: OIDCIssuer, tmp_path: Path
) -> None:
    path = tmp_path / "token"
    path.write_text(token(issuer, "sts.amazonaws.com"))
    with GitLabCI(audiences=["pypi"]) as job:
        # GitLab is asked before EKS; AKS (skipped) before EKS, whose file fits.
        environ = job_environ({"AZURE_FEDERATED_TOKEN_FILE": str(path)})
        environ["AWS_WEB_IDENTITY_TOKEN_FILE"] = str(path)
        assert detect_credential("sts.amazonaws.com", environ=environ) == path.read_text()
        assert detect_credential("pypi", environ=environ) is None
        assert (
            claims(detect_credential("pypi", environ={**environ, **job.environ}) or "")["aud"]
            == "pypi"
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the token file"), ("", "is empty"), ("x" * 70000, "not a token file")],
)
def test_unusable_token_files(content: str | None, message: str, tmp_path: Path) -> None:
    path = tmp_path / "token"
    if content is not None:
        path.write_text(content)
    # AWS_WEB_IDENTITY_TOKEN_FILE is the AWS SDKs' variable: skipped, with the reason when named.
    environ = job_environ({"AWS_WEB_IDENTITY_TOKEN_FILE": str(path)})
    assert detect_credential("pypi", environ=environ) is None
    with pytest.raises(AmbientCredentialError, match=message):
        detect_credential("pypi", environ=environ, provider="eks")
    # ID_KUBERNETES_TOKEN_FILE is id's own: a file that cannot be used is an error.
    environ = job_environ(
        {"KUBERNETES_SERVICE_HOST": "10.0.0.1", "ID_KUBERNETES_TOKEN_FILE": str(path)}
    )
    with pytest.raises(AmbientCredentialError, match=message):
        detect_credential("pypi", environ=environ)


def test_asking_for_an_absent_or_unknown_provider() -> None:
    from id import UnknownProviderError

    with pytest.raises(
        AmbientCredentialError,
        match="GitHub Actions was asked for, but is not detected here: it needs GITHUB_ACTIONS",
    ):
        detect_credential("pypi", environ=job_environ({}), provider="github")
    with pytest.raises(
        UnknownProviderError,
        match="no provider named 'jenkins'; the providers are: token, forgejo, github",
    ):
        detect_credential("pypi", provider="jenkins")
