"""The emulators behave like the platforms: they refuse what the real services refuse, and the
tokens they sign verify against the JWKS they serve."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from typing import Any

import jwt
import pytest

from id.testing import Emulator, GitHubActions, GitLabCI, GoogleCloud
from id.testing.gcp import ACCOUNT_PATH
from id.testing.github import TOKEN_PATH

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with _DIRECT.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def verify(emulator: Emulator, token: str, audience: str) -> dict[str, Any]:
    keys = jwt.PyJWKClient(
        json.loads(call(emulator.url + "/.well-known/openid-configuration")[1])["jwks_uri"]
    )
    key = keys.get_signing_key_from_jwt(token)
    return jwt.decode(
        token, key, algorithms=["RS256"], audience=audience, issuer=emulator.issuer.url
    )


def test_github_endpoint_enforces_the_protocol() -> None:
    with GitHubActions() as job:
        auth = {"Authorization": f"Bearer {job.request_token}"}
        base = f"{job.url}{TOKEN_PATH}"
        assert call(f"{base}?api-version=2.0&audience=x", method="POST", headers=auth)[0] == 405
        assert call(f"{base}?audience=x", headers=auth)[0] == 400
        assert call(f"{base}?api-version=2.0&audience=x")[0] == 401
        assert (
            call(f"{base}?api-version=2.0&audience=x", headers={"Authorization": "bearer nope"})[0]
            == 401
        )
        status, body = call(f"{base}?api-version=2.0", headers=auth)
        assert status == 200
        answer = json.loads(body)
        assert answer["count"] == 1
        claims = verify(job, answer["value"], "https://github.com/octo-org")
    assert claims["sub"] == "repo:octo-org/octo-repo:ref:refs/heads/main"


def test_metadata_server_enforces_its_header_and_audience() -> None:
    with GoogleCloud() as cloud:
        identity = f"{cloud.url}{ACCOUNT_PATH}/identity"
        flavor = {"Metadata-Flavor": "Google"}
        assert call(f"{identity}?audience=x")[0] == 403
        assert (
            call(f"{identity}?audience=x", headers={**flavor, "X-Forwarded-For": "1.2.3.4"})[0]
            == 403
        )
        assert call(identity, headers=flavor)[0] == 400
        status, body = call(f"{identity}?audience=x", headers=flavor)
        assert status == 200
        claims = verify(cloud, body.decode(), "x")
    assert "google" not in claims  # only format=full adds the compute_engine claim
    assert claims["email"] == cloud.service_account


def test_gitlab_tokens_verify_against_the_emulators_issuer() -> None:
    with GitLabCI(audiences=["pypi"], project_path="g/p") as job:
        claims = verify(job, job.environ["PYPI_ID_TOKEN"], "pypi")
    assert claims["project_path"] == "g/p"


def test_expired_tokens_can_be_made() -> None:
    with (
        GitLabCI(audiences=["pypi"], lifetime=-60) as job,
        pytest.raises(jwt.ExpiredSignatureError),
    ):
        verify(job, job.environ["PYPI_ID_TOKEN"], "pypi")


def test_each_emulator_has_its_own_key() -> None:
    with GitLabCI(audiences=["pypi"]) as one, GitLabCI(audiences=["pypi"]) as two:
        with pytest.raises(jwt.PyJWKClientError):
            verify(two, one.environ["PYPI_ID_TOKEN"], "pypi")


def post(url: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with _DIRECT.open(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_buildkite_agent_api_enforces_job_and_agent_token() -> None:
    from id.testing import Buildkite

    with Buildkite(organization="acme") as job:
        url = f"{job.url}/v3/jobs/{job.job_id}/oidc/tokens"
        good = {"Authorization": f"Token {job.agent_token}"}
        assert post(url, {"audience": "x"}, {"Authorization": "Token wrong"})[0] == 401
        assert post(f"{job.url}/v3/jobs/other-job/oidc/tokens", {"audience": "x"}, good)[0] == 404
        assert call(url, headers=good)[0] == 404  # GET is not a route
        status, body = post(url, {}, good)
        assert status == 200  # as cosign requires (PLATFORMS.md)
        claims = verify(job, json.loads(body)["token"], "https://buildkite.com/acme")
    assert claims["sub"].startswith(
        "organization:acme:pipeline:release:ref:refs/heads/main:commit:"
    )


def test_buildkite_standin_parses_the_real_flags() -> None:
    from id.testing import Buildkite

    with Buildkite() as job:
        environ = job.environ
        result = subprocess.run(
            ["buildkite-agent", "oidc", "request-token", "--audience", "a", "--lifetime", "60"],
            env=environ, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert job.requests[-1].json() == {"audience": "a", "lifetime": 60}
        unknown = subprocess.run(
            ["buildkite-agent", "oidc", "request-token", "--no-such-flag"],
            env=environ, capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert unknown.returncode == 2
    assert "unrecognized arguments" in unknown.stderr


def test_circleci_standin_and_default_tokens() -> None:
    from id.testing import CircleCI

    with CircleCI() as job:
        result = subprocess.run(
            ["circleci", "run", "oidc", "get", "--claims", '{"aud": "x"}'],
            env=job.environ, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert verify(job, result.stdout.strip(), "x")["aud"] == "x"
        for variable in ("CIRCLE_OIDC_TOKEN", "CIRCLE_OIDC_TOKEN_V2"):
            assert verify(job, job.environ[variable], job.organization_id)["sub"].startswith(
                f"org/{job.organization_id}/project/"
            )
        bad = subprocess.run(
            ["circleci", "run", "oidc", "get", "--claims", "{nope"],
            env=job.environ, capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert bad.returncode == 1
    assert "not valid JSON" in bad.stderr


def test_gitlab_declares_tokens_by_the_naming_convention() -> None:
    with GitLabCI(audiences=["https://vault.example.com", "11 other"]) as job:
        assert set(job.environ) >= {"HTTPS___VAULT_EXAMPLE_COM_ID_TOKEN", "_1_OTHER_ID_TOKEN"}
        assert (
            verify(job, job.environ["_1_OTHER_ID_TOKEN"], "11 other")["project_path"]
            == "group/project"
        )


def test_token_file_emulator_rotates_and_id_rereads() -> None:
    from id import detect_credential
    from id.testing import Kubernetes
    from tests.helpers import job_environ

    with Kubernetes(audiences=["vault"]) as pod:
        environ = job_environ(pod.environ)
        first = detect_credential("vault", environ=environ)
        rotated = pod.rotate()
        assert detect_credential("vault", environ=environ) == rotated != first
        assert verify(pod, rotated, "vault")["sub"] == "kubernetes:example:job"


def test_terraform_emulator_declares_one_pair_per_audience() -> None:
    from id import detect_credential
    from id.testing import HCPTerraform
    from tests.helpers import claims, job_environ

    with HCPTerraform(audiences=["aws.workload.identity", "pypi"]) as run:
        environ = job_environ(run.environ)
        assert claims(detect_credential("pypi", environ=environ))["aud"] == "pypi"
        assert environ["TFC_WORKLOAD_IDENTITY_AUDIENCE_A0"] == "aws.workload.identity"


def test_an_emulators_options_are_its_declared_fields() -> None:
    # Every emulator takes the shared options and its own, by keyword, with the class's defaults.
    job = GitHubActions(repository="someone/app", lifetime=-60)
    assert (job.repository, job.ref, job.lifetime) == ("someone/app", "refs/heads/main", -60)
    assert GoogleCloud().lifetime == 3600  # the platform's own default for a shared option
    assert GitLabCI(audiences=["pypi"]).id_tokens == {"PYPI_ID_TOKEN": "pypi"}


def test_an_unknown_or_positional_option_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="GitHubActions has no option 'repo' .*repository"):
        GitHubActions(repo="someone/app")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        GitLabCI(["pypi"])  # type: ignore[call-arg,arg-type]


def test_derived_values_are_per_emulator() -> None:
    # What `__post_init__` derives is the instance's own, not a default shared through the class.
    one, two = GitHubActions(claims={"x": 1}), GitHubActions()
    one.claim_overrides["y"] = 2
    assert two.claim_overrides == {}
    assert one.request_token != two.request_token
