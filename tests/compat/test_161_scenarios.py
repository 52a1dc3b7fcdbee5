"""Every public-API scenario of PyPI's `id` 1.6.1 test suite (`test/unit/internal/oidc/
test_ambient.py` in its sdist), rewritten black-box: 1.6.1's tests patch private functions, so here
each runs against an emulated platform, a loopback server or a stand-in executable instead.

Each test names the 1.6.1 test it stands for. Where 2.0 differs on purpose, the test says so, and
docs/migrating.md lists the difference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from id import (
    AmbientCredentialError,
    GitHubOidcPermissionCredentialError,
    decode_oidc_token,
    detect_credential,
)
from id.testing import (
    Buildkite,
    CircleCI,
    Faults,
    GitHubActions,
    GitLabCI,
    GoogleCloud,
    LoopbackServer,
    OIDCIssuer,
    Reply,
    Request,
)
from tests.helpers import claims, job_environ, run_id

ACCOUNT = "identity@project.iam.gserviceaccount.com"
TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token"
IAM_PATH = f"/v1/projects/-/serviceAccounts/{ACCOUNT}:generateIdToken"


# detect_credential


@pytest.mark.usefixtures("off_cloud")
def test_detect_credential_none() -> None:
    assert detect_credential("some-audience", environ=job_environ({})) is None


def test_detect_credential() -> None:
    with GitHubActions() as job:
        token = detect_credential("sigstore", environ=job_environ(job.environ))
    assert token is not None
    assert claims(token)["aud"] == "sigstore"


def test_detect_credential_audience_mismatch() -> None:
    with GitHubActions(claims={"aud": "sigstore"}) as job:
        with pytest.raises(
            AmbientCredentialError, match="token for audience 'sigstore', not 'my-audience'"
        ):
            detect_credential("my-audience", environ=job_environ(job.environ))


def test_detect_credential_malformed_token() -> None:
    with GitHubActions(faults=Faults(token="fakejwt")) as job:
        with pytest.raises(AmbientCredentialError, match="not a usable JWT"):
            detect_credential("sigstore", environ=job_environ(job.environ))


# GitHub Actions


@pytest.mark.usefixtures("off_cloud")
def test_detect_github_bad_env() -> None:
    with GitHubActions() as job:
        environ = job_environ({k: v for k, v in job.environ.items() if k != "GITHUB_ACTIONS"})
        assert detect_credential("some-audience", environ=environ) is None
        assert job.requests == []


@pytest.mark.parametrize(
    "missing", ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL"]
)
def test_detect_github_bad_request_token_or_url(missing: str) -> None:
    with GitHubActions() as job:
        environ = job_environ({k: v for k, v in job.environ.items() if k != missing})
        with pytest.raises(GitHubOidcPermissionCredentialError, match=f"{missing} not set"):
            detect_credential("some-audience", environ=environ)


def test_detect_github_request_fails() -> None:
    with GitHubActions(faults=Faults(status=418, body=b"something")) as job:
        with pytest.raises(AmbientCredentialError, match="HTTP 418.*something") as info:
            detect_credential("some-audience", environ=job_environ(job.environ))
    # 1.6.1 raises the permission subclass only for the missing variables.
    assert not isinstance(info.value, GitHubOidcPermissionCredentialError)


def test_detect_github_request_timeout() -> None:
    with GitHubActions(faults=Faults(hang=True)) as job:
        environ = job_environ({**job.environ, "ID_TIMEOUT": "1"})
        with pytest.raises(AmbientCredentialError, match="timed out|deadline"):
            detect_credential("some-audience", environ=environ)


def test_detect_github_invalid_json_payload() -> None:
    with GitHubActions(faults=Faults(status=200, body=b"not json")) as job:
        with pytest.raises(AmbientCredentialError, match="not JSON"):
            detect_credential("some-audience", environ=job_environ(job.environ))


@pytest.mark.parametrize("payload", [{}, {"notvalue": None}, {"value": None}, {"value": 1234}])
def test_detect_github_bad_payload(payload: dict[str, object]) -> None:
    body = json.dumps(payload).encode()
    with GitHubActions(faults=Faults(status=200, body=body)) as job:
        with pytest.raises(AmbientCredentialError, match='has no string "value"'):
            detect_credential("some-audience", environ=job_environ(job.environ))


def test_detect_github() -> None:
    with GitHubActions() as job:
        token = detect_credential("some-audience", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token or "")["aud"] == "some-audience"
    # The audience joins the URL's own query; the scheme is written "bearer", as 1.6.1 does.
    assert request.query == {"api-version": ["2.0"], "audience": ["some-audience"]}
    assert request.headers["authorization"] == f"bearer {job.request_token}"


# Google Cloud: impersonation with GOOGLE_SERVICE_ACCOUNT_NAME


class Impersonation:
    """The metadata server's token endpoint and IAM generateIdToken, answering as told."""

    def __init__(self, token_reply: Reply | Faults, iam_reply: Reply | Faults | None) -> None:
        self.issuer = OIDCIssuer("https://accounts.google.com")
        self.token_reply = token_reply
        self.iam_reply = iam_reply
        self.requests: list[Request] = []

    def _token(self, request: Request) -> Reply:
        self.requests.append(request)
        assert isinstance(self.token_reply, Reply)
        return self.token_reply

    def _iam(self, request: Request) -> Reply:
        self.requests.append(request)
        if self.iam_reply is None:
            audience = request.json()["audience"]
            return Reply.json(200, {"token": self.issuer.mint({"sub": "1", "aud": audience})})
        assert isinstance(self.iam_reply, Reply)
        return self.iam_reply

    def run(self, audience: str = "some-audience", timeout: str = "30") -> str | None:
        token_faults = self.token_reply if isinstance(self.token_reply, Faults) else None
        iam_faults = self.iam_reply if isinstance(self.iam_reply, Faults) else None
        metadata = LoopbackServer({TOKEN_PATH: self._token}, faults=token_faults).start()
        iam = LoopbackServer({IAM_PATH: self._iam}, faults=iam_faults).start()
        try:
            environ = {
                "GOOGLE_SERVICE_ACCOUNT_NAME": ACCOUNT,
                "GCE_METADATA_HOST": metadata.url.split("//")[1],
                "ID_GCP_IAM_ENDPOINT": iam.url,
                "ID_TIMEOUT": timeout,
            }
            return detect_credential(audience, environ=job_environ(environ))
        finally:
            metadata.stop()
            iam.stop()


ACCESS = Reply.json(200, {"access_token": "ya29.access", "expires_in": 3599})


def test_gcp_impersonation_access_token_request_fail() -> None:
    flow = Impersonation(Reply.text(418, "something"), None)
    with pytest.raises(AmbientCredentialError, match="cannot get an access token.*something"):
        flow.run()


def test_gcp_impersonation_access_token_request_timeout() -> None:
    with pytest.raises(AmbientCredentialError, match="timed out|deadline"):
        Impersonation(Faults(hang=True), None).run(timeout="1")


def test_gcp_impersonation_access_token_missing() -> None:
    with pytest.raises(AmbientCredentialError, match='has no string "access_token"'):
        Impersonation(Reply.json(200, {}), None).run()


def test_gcp_impersonation_identity_token_request_fail() -> None:
    with pytest.raises(AmbientCredentialError, match="generateIdToken.*HTTP 418.*something"):
        Impersonation(ACCESS, Reply.text(418, "something")).run()


def test_gcp_impersonation_identity_token_request_timeout() -> None:
    with pytest.raises(AmbientCredentialError, match="timed out|deadline"):
        Impersonation(ACCESS, Faults(hang=True)).run(timeout="1")


def test_gcp_impersonation_identity_token_missing() -> None:
    with pytest.raises(AmbientCredentialError, match='has no string "token"'):
        Impersonation(ACCESS, Reply.json(200, {})).run()


def test_gcp_impersonation_succeeds() -> None:
    flow = Impersonation(ACCESS, None)
    token = flow.run()
    assert claims(token or "")["aud"] == "some-audience"
    access, generate = flow.requests
    # The requests PyPI's id 1.6.1 sends (../shared/COMPAT.md).
    assert access.method == "GET"
    assert access.query == {"scopes": ["https://www.googleapis.com/auth/cloud-platform"]}
    assert access.headers["metadata-flavor"] == "Google"
    assert generate.method == "POST"
    assert generate.headers["authorization"] == "Bearer ya29.access"
    assert generate.json() == {"audience": "some-audience", "includeEmail": True}


# Google Cloud: the metadata server of a VM whose DMI product name says Google


@pytest.fixture
def dmi(tmp_path: Path) -> Path:
    return tmp_path / "product_name"


def test_gcp_bad_env(dmi: Path) -> None:
    from id.providers.gcp import GoogleCloud as Provider

    assert Provider(str(dmi)).detect({}) is None  # no DMI file


def test_gcp_wrong_product(dmi: Path) -> None:
    from id.providers.gcp import GoogleCloud as Provider

    dmi.write_text("Unknown Product")
    assert Provider(str(dmi)).detect({}) is None


@pytest.mark.parametrize("product_name", ["Google", "Google Compute Engine"])
def test_detect_gcp(product_name: str, dmi: Path) -> None:
    from id.providers.gcp import GoogleCloud as Provider

    dmi.write_text(product_name + "\n")
    assert Provider(str(dmi)).detect({}) is not None
    with GoogleCloud() as cloud:
        token = detect_credential("some-audience", environ=job_environ(cloud.environ))
        (request,) = cloud.requests
    assert claims(token or "")["aud"] == "some-audience"
    assert request.query == {"audience": ["some-audience"], "format": ["full"]}
    assert request.headers["metadata-flavor"] == "Google"


@pytest.mark.parametrize(
    "faults", [Faults(status=418, body=b"something"), Faults(hang=True)], ids=["fails", "timeout"]
)
def test_detect_gcp_request_fails_or_times_out(faults: Faults) -> None:
    # 1.6.1 raises; 2.0 skips a metadata server that gives no token (a deliberate difference,
    # docs/migrating.md): None, and the reason is an error when the provider is named.
    with GoogleCloud(faults=faults) as cloud:
        environ = job_environ({**cloud.environ, "ID_TIMEOUT": "1"})
        assert detect_credential("some-audience", environ=environ) is None
        with pytest.raises(AmbientCredentialError, match="418|timed out|deadline"):
            detect_credential("some-audience", environ=environ, provider="gcp")


# Buildkite


def test_buildkite_no_agent() -> None:
    with Buildkite(agent_installed=False) as job:
        environ = job_environ({**job.environ, "PATH": "/nonexistent"})
        # 2.0 asks the agent API instead where the job's access token is there.
        del environ["BUILDKITE_AGENT_ACCESS_TOKEN"]
        with pytest.raises(AmbientCredentialError, match="buildkite-agent is not on PATH"):
            detect_credential("some-audience", environ=environ)


def test_buildkite_agent_error(tmp_path: Path) -> None:
    agent = tmp_path / "buildkite-agent"
    agent.write_text(f"#!{sys.executable}\nprint('mock error message')\nraise SystemExit(1)\n")
    agent.chmod(0o755)
    environ = job_environ({"BUILDKITE": "true", "PATH": str(tmp_path)})
    # 1.6.1 quotes the agent's stdout; 2.0 quotes stdout and stderr.
    with pytest.raises(AmbientCredentialError, match="mock error message"):
        detect_credential("some-audience", environ=environ)


def test_buildkite() -> None:
    with Buildkite() as job:
        token = detect_credential("some-audience", environ=job_environ(job.environ))
        (request,) = job.requests
    assert claims(token or "")["aud"] == "some-audience"
    assert request.json()["audience"] == "some-audience"


@pytest.mark.usefixtures("off_cloud")
def test_buildkite_bad_env() -> None:
    with Buildkite() as job:
        environ = job_environ({k: v for k, v in job.environ.items() if k != "BUILDKITE"})
        assert detect_credential("some-audience", environ=environ) is None
        assert job.requests == []


# GitLab


@pytest.mark.usefixtures("off_cloud")
def test_gitlab_bad_env() -> None:
    with GitLabCI(audiences=["some-audience"]) as job:
        environ = job_environ({k: v for k, v in job.environ.items() if k != "GITLAB_CI"})
        assert detect_credential("some-audience", environ=environ) is None


def test_gitlab_no_variable() -> None:
    with GitLabCI() as job:
        with pytest.raises(AmbientCredentialError, match="SOME_AUDIENCE_ID_TOKEN is not set"):
            detect_credential("some-audience", environ=job_environ(job.environ))


def test_gitlab() -> None:
    with GitLabCI(audiences=["some-audience", "11 other audience"]) as job:
        environ = job_environ(job.environ)
        assert set(environ) >= {"SOME_AUDIENCE_ID_TOKEN", "_1_OTHER_AUDIENCE_ID_TOKEN"}
        assert (
            detect_credential("some-audience", environ=environ) == environ["SOME_AUDIENCE_ID_TOKEN"]
        )
        assert (
            detect_credential("11 other audience", environ=environ)
            == environ["_1_OTHER_AUDIENCE_ID_TOKEN"]
        )


# CircleCI


@pytest.mark.usefixtures("off_cloud")
def test_circleci_bad_env() -> None:
    with CircleCI() as job:
        environ = job_environ({k: v for k, v in job.environ.items() if k != "CIRCLECI"})
        assert detect_credential("some-audience", environ=environ) is None


def test_circleci_no_circleci_cli() -> None:
    with CircleCI(cli_installed=False, context=False) as job:
        with pytest.raises(AmbientCredentialError, match="`circleci` CLI is not on PATH"):
            detect_credential("some-audience", environ=job_environ(job.environ))


def test_circleci_circlecli_error() -> None:
    with CircleCI(faults=Faults(status=403, body=b"mock error message")) as job:
        with pytest.raises(AmbientCredentialError, match="run oidc get.*failed.*403"):
            detect_credential("some-audience", environ=job_environ(job.environ))


def test_circleci() -> None:
    with CircleCI() as job:
        token = detect_credential("some-audience", environ=job_environ(job.environ))
    # The stand-in accepts the real CLI's flags; --root-issuer makes the root issuer sign.
    assert claims(token or "")["aud"] == "some-audience"


# Presence: any non-empty value counts, as 1.6.1 reads it; "0" and "false" do not (2.0).


@pytest.mark.parametrize(
    ("variable", "name"),
    [
        ("GITHUB_ACTIONS", "github"),
        ("GITLAB_CI", "gitlab"),
        ("BUILDKITE", "buildkite"),
        ("CIRCLECI", "circleci"),
    ],
)
@pytest.mark.parametrize("value", ["true", "1", "yes", "True"])
def test_any_non_empty_value_marks_a_platform(variable: str, name: str, value: str) -> None:
    from id.providers import present

    chosen = [provider.name for provider, _ in present({variable: value})]
    assert chosen == [name]


@pytest.mark.parametrize("value", ["", "0", "false", "FALSE", " "])
def test_empty_zero_and_false_do_not(value: str) -> None:
    from id.providers import present

    assert list(present({"GITHUB_ACTIONS": value, "GITLAB_CI": value})) == []


# decode_oidc_token and the CLI


def test_decode_oidc_token() -> None:
    token = OIDCIssuer().mint({"sub": "s", "aud": "a"})
    header, payload, signature = decode_oidc_token(token)
    assert json.loads(header)["alg"] == "RS256"
    assert json.loads(payload)["aud"] == "a"
    assert signature == token.rsplit(".", 1)[1]
    with pytest.raises(ValueError, match="3 dot-separated parts"):
        decode_oidc_token("not-a-token")


def test_cli_version_and_decode() -> None:
    from id import __version__

    version = run_id("-V")
    assert version.stdout == f"id {__version__}\n"
    with GitHubActions() as job:
        decoded = run_id("-d", "sigstore", env=job_environ(job.environ))
    header, payload = decoded.stdout.splitlines()
    assert json.loads(header)["typ"] == "JWT"
    assert json.loads(payload)["aud"] == "sigstore"


def test_cli_audience_from_the_environment() -> None:
    with GitHubActions() as job:
        result = run_id(env=job_environ({**job.environ, "ID_OIDC_AUDIENCE": "sigstore"}))
    assert claims(result.stdout.strip())["aud"] == "sigstore"


@pytest.mark.usefixtures("off_cloud")
def test_cli_nothing_detected_differs_on_purpose() -> None:
    # 1.6.1 prints "None" and exits 0; 2.0 prints nothing on stdout and exits 3
    # (docs/migrating.md).
    result = run_id("some-audience", env=job_environ({}))
    assert (result.stdout, result.returncode) == ("", 3)
    assert "no supported environment detected" in result.stderr
