"""The third attack review's findings, each tried as an attacker would: a hostile or compromised
index, STS, Vault, token service or environment value, and a shared runner log. Every test here
failed on the code before the fix (checked in a worktree of 7b280bf)."""

from __future__ import annotations

import io
import json
import os
import ssl
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from id import IdentityError, SignInError
from id._http import HttpError, Request, check
from id.testing import (
    AwsStsFederation,
    Emulator,
    GitHubActions,
    GitLabCI,
    HCPTerraform,
    LoopbackServer,
    Nomad,
    Reply,
    VaultJwtAuth,
)
from id.testing import Request as Received
from tests.helpers import job_environ, raw_server, run_exchange

ROLE = "arn:aws:iam::123456789012:role/release"
#: What a hostile server answers: colours, a carriage return and a forged workflow command on a
#: line of its own, a bidirectional override, and 200 KB more.
HOSTILE = (
    "\x1b[31mred\x1b[0m\rovertyped\n::error::forged by the server\n\u202eevil\x07" + "A" * 200_000
)


def assert_clean(text: str, *, in_runner: bool = False) -> None:
    """What a terminal and a CI log may be shown of `HOSTILE`."""
    for forbidden in ("\x1b", "\r", "\u202e", "\x07"):
        assert forbidden not in text, repr(forbidden)
    for line in text.splitlines():
        if in_runner and line.startswith("::add-mask::"):
            continue
        assert not line.lstrip().startswith("::"), line
    assert len(text) < 5000, len(text)


def publish(
    job: Any, tls: tuple[ssl.SSLContext, str], **index: Any
) -> tuple[subprocess.CompletedProcess[str], LoopbackServer]:
    """`python -m id.exchange pypi` in `job` against a `hostile_index(**index)` over TLS; what
    it printed, and the index (stopped)."""
    context, bundle = tls
    server = hostile_index(context, **index)
    try:
        env = job_environ({**job.environ, "SSL_CERT_FILE": bundle})
        result = run_exchange("pypi", "--repository-url", f"{server.url}/legacy/", env=env)
    finally:
        server.stop()
    return result, server


def hostile_index(
    tls: ssl.SSLContext, *, audience: str = "pypi", mint: Any = None
) -> LoopbackServer:
    """An index that announces `audience` and answers mint-token with `mint` (a route)."""

    def refuse(_request: Received) -> Reply:
        return Reply.json(422, {"errors": [{"code": "invalid-publisher", "description": HOSTILE}]})

    routes = {
        "/_/oidc/audience": lambda _r: Reply.json(200, {"audience": audience}),
        "/_/oidc/mint-token": mint or refuse,
    }
    return LoopbackServer(routes, tls=tls).start()


# Medium: an audience chosen by a remote server


@pytest.mark.parametrize(
    ("make_job", "audience", "said"),
    [
        # Another service's audience is refused outright.
        (
            lambda: GitLabCI(id_tokens={"AWS_ID_TOKEN": "sts.amazonaws.com"}),
            "sts.amazonaws.com",
            ["sts.amazonaws.com", "AWS STS"],
        ),
        # GitLab's tokens declared under other names are never scanned.
        (
            lambda: GitLabCI(id_tokens={"DEPLOY_ID_TOKEN": "https://deploy.example"}),
            "https://deploy.example",
            ["HTTPS___DEPLOY_EXAMPLE_ID_TOKEN is not set", "chosen by the server"],
        ),
        # A Nomad identity for the deploy service and the index both: not the index's alone.
        (lambda: Nomad(identities={"deploy": ["https://deploy.example", "pypi"]}), "pypi", []),
        # Likewise an HCP Terraform token whose `aud` holds another service too.
        (
            lambda: HCPTerraform(
                audiences=["pypi"], claims={"aud": ["https://deploy.example", "pypi"]}
            ),
            "pypi",
            ["TFC_WORKLOAD_IDENTITY_TOKEN_A0 holds a token for 'https://deploy.example', 'pypi'"],
        ),
    ],
    ids=["another-service", "gitlab-other-names", "nomad-shared-identity", "terraform-shared-aud"],
)
def test_a_server_chosen_audience_takes_only_a_token_for_it_alone(
    tls: tuple[ssl.SSLContext, str],
    make_job: Callable[[], Emulator],
    audience: str,
    said: list[str],
) -> None:
    with make_job() as job:
        result, index = publish(job, tls, audience=audience)
    assert result.returncode == 1
    for text in said:
        assert text in result.stderr
    assert [r.path for r in index.requests] == ["/_/oidc/audience"]


# Medium: raw server text on stderr


def test_hostile_pypi_reasons_are_filtered_and_capped(tls: tuple[ssl.SSLContext, str]) -> None:
    with GitHubActions() as job:
        result, _index = publish(job, tls)
    assert result.returncode == 1
    assert "invalid-publisher" in result.stderr
    assert_clean(result.stderr)


def test_hostile_sts_message_is_filtered_and_capped() -> None:
    # What XML 1.0 lets a message hold: a carriage return, line breaks, a bidi override.
    message = "x&#13;overtyped\n::error::forged by the server\n\u202eevil" + "A" * 60_000
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
        f"<Code>AccessDenied</Code><Message>{message}</Message></Error></ErrorResponse>"
    )
    sts = LoopbackServer({"/": lambda _r: Reply(403, body.encode(), {"Content-Type": "text/xml"})})
    sts.start()
    try:
        with GitHubActions() as job:
            env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url})
            result = run_exchange("aws", "--role-arn", ROLE, env=env)
    finally:
        sts.stop()
    assert result.returncode == 1
    assert "AccessDenied" in result.stderr
    assert_clean(result.stderr)


def test_an_aws_refusal_names_the_claims_a_trust_policy_matches() -> None:
    with (
        GitHubActions(repository="someone/fork") as job,
        AwsStsFederation(job.issuer.url, "arn:aws:iam::123456789012:role/other") as sts,
    ):
        env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url})
        result = run_exchange("aws", "--role-arn", ROLE, env=env)
    assert result.returncode == 1
    assert "sub='repo:someone/fork:ref:refs/heads/main'" in result.stderr
    assert "job_workflow_ref='someone/fork/.github/workflows/release.yml@refs/heads/main'" in (
        result.stderr
    )


def test_hostile_vault_answer_is_filtered_and_capped() -> None:
    vault = LoopbackServer(
        {"/v1/auth/jwt/login": lambda _r: Reply.json(403, {"errors": [HOSTILE]})}
    ).start()
    try:
        with GitHubActions() as job:
            env = job_environ({**job.environ, "VAULT_ADDR": vault.url})
            result = run_exchange("vault", "--role", "release", env=env)
    finally:
        vault.stop()
    assert result.returncode == 1
    assert_clean(result.stderr)


def test_a_missing_vault_role_is_not_blamed_on_the_audience() -> None:
    with GitHubActions() as job, VaultJwtAuth(job.issuer.url) as vault:
        env = job_environ({**job.environ, "VAULT_ADDR": vault.url})
        result = run_exchange("vault", "--role", "nope", env=env)
    assert result.returncode == 1
    assert "could not be found" in result.stderr
    assert "bound_audiences" not in result.stderr
    assert "check that the role 'nope' exists" in result.stderr


def test_hostile_text_from_the_platform_itself_never_reaches_the_terminal_raw() -> None:
    from id.testing import Faults

    with GitHubActions(faults=Faults(status=403, body=HOSTILE.encode())) as job:
        result = subprocess.run(
            [sys.executable, "-m", "id", "pypi"], env=job_environ(job.environ),
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 1
    assert_clean(result.stderr)


# Medium: credentials in error messages


def test_the_password_in_a_repository_url_is_never_printed(
    tls: tuple[ssl.SSLContext, str],
) -> None:
    context, bundle = tls
    with GitHubActions(repository="someone/fork") as job:
        index = hostile_index(context)
        try:
            env = job_environ({**job.environ, "SSL_CERT_FILE": bundle})
            port = index.url.rsplit(":", 1)[1]
            url = f"https://alice:hunter2-pass@127.0.0.1:{port}/legacy/"
            result = run_exchange("pypi", "--repository-url", url, env=env)
        finally:
            index.stop()
    assert result.returncode == 1
    assert "hunter2-pass" not in result.stderr
    assert "alice" not in result.stderr


def test_a_bad_repository_url_is_an_error_not_a_traceback() -> None:
    result = run_exchange("pypi", "--repository-url", "https://[::1", env=job_environ({}))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not an upload URL" in result.stderr


# Medium: every secret a command prints is masked in a runner


def test_the_exchange_masks_every_credential_it_prints_in_a_runner() -> None:
    with GitHubActions() as job, VaultJwtAuth(job.issuer.url) as vault:
        env = job_environ({**job.environ, "VAULT_ADDR": vault.url})
        result = run_exchange("vault", "--role", "release", env=env)
        token = vault.client_token
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{token}\n"
    assert result.stderr == f"::add-mask::{token}\n"


def test_aws_keys_are_masked_in_a_runner() -> None:
    with GitHubActions() as job, AwsStsFederation(job.issuer.url, ROLE) as sts:
        env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url})
        result = run_exchange("aws", "--role-arn", ROLE, env=env)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    masked = {line.removeprefix("::add-mask::") for line in result.stderr.splitlines()}
    assert {printed["SecretAccessKey"], printed["SessionToken"]} <= masked


@pytest.mark.parametrize(
    "issued", ["hvs.abc\n::error::forged", "hvs.\x1b]0;title\x07abc", "hvs.abc def"]
)
def test_a_credential_that_is_not_one_printable_line_is_not_printed(issued: str) -> None:
    vault = LoopbackServer(
        {"/v1/auth/jwt/login": lambda _r: Reply.json(200, {"auth": {"client_token": issued}})}
    ).start()
    try:
        with GitHubActions() as job:
            env = job_environ({**job.environ, "VAULT_ADDR": vault.url})
            result = run_exchange("vault", "--role", "release", env=env)
    finally:
        vault.stop()
    assert result.returncode == 1
    assert result.stdout == ""
    assert "not one line of printable text" in result.stderr
    assert_clean(result.stderr)


# Medium: the files the exchange writes


def test_the_gcp_output_file_is_private_and_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.write_text("keep me")
    output = tmp_path / "output.json"
    output.symlink_to(target)
    with GitHubActions() as job:
        env = job_environ(
            {**job.environ, "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": "//iam.googleapis.com/x",
             "GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE": str(output)}
        )  # fmt: skip
        result = run_exchange("gcp", env=env)
    assert result.returncode == 0, result.stdout
    assert target.read_text() == "keep me"
    assert not output.is_symlink()
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert json.loads(output.read_text())["success"] is True


def test_write_config_is_private_and_names_this_interpreter(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    result = run_exchange(
        "gcp", "--write-config", str(config), "--pool-provider", "//iam.googleapis.com/p",
        env=job_environ({}),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    command = json.loads(config.read_text())["credential_source"]["executable"]["command"]
    assert command == f"{sys.executable} -m id.exchange gcp"


@pytest.mark.parametrize("where", ["/nonexistent/folder/x.json", "a directory"])
def test_unwritable_files_are_errors_not_tracebacks(where: str, tmp_path: Path) -> None:
    path = str(tmp_path) if where == "a directory" else where
    result = run_exchange(
        "gcp", "--write-config", path, "--pool-provider", "//iam.googleapis.com/p",
        env=job_environ({}),
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot write the configuration" in result.stderr


def test_an_output_file_that_is_a_directory_is_an_error(tmp_path: Path) -> None:
    with GitHubActions() as job:
        env = job_environ(
            {**job.environ, "GOOGLE_EXTERNAL_ACCOUNT_AUDIENCE": "//iam.googleapis.com/x",
             "GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE": str(tmp_path)}
        )  # fmt: skip
        result = run_exchange("gcp", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "it is a directory" in result.stderr


# Low: region names, XML, deadlines


def test_a_region_name_cannot_redirect_the_token(tls: tuple[ssl.SSLContext, str]) -> None:
    context, bundle = tls
    thief = LoopbackServer(
        {}, prefix_routes={"/": lambda _r: Reply.json(200, {})}, tls=context
    ).start()
    try:
        with GitHubActions() as job:
            port = thief.url.rsplit(":", 1)[1]
            env = job_environ(
                {**job.environ, "AWS_REGION": f"x@127.0.0.1:{port}/", "SSL_CERT_FILE": bundle}
            )
            env.pop("AWS_ENDPOINT_URL_STS", None)
            env.pop("AWS_ENDPOINT_URL", None)
            result = run_exchange("aws", "--role-arn", ROLE, env=env)
    finally:
        thief.stop()
    assert result.returncode == 1
    assert thief.requests == []
    assert "AWS_REGION is not a region name" in result.stderr


def test_a_dtd_is_refused_in_any_encoding() -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>&b;</AccessKeyId>"
        "<SecretAccessKey>&b;</SecretAccessKey><SessionToken>&b;</SessionToken>"
        "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>"
        "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
    ).encode("utf-16")
    sts = LoopbackServer({"/": lambda _r: Reply(200, document, {"Content-Type": "text/xml"})})
    sts.start()
    try:
        with GitHubActions() as job:
            env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url})
            result = run_exchange("aws", "--role-arn", ROLE, env=env)
    finally:
        sts.stop()
    assert result.returncode == 1
    assert "declares a DTD" in result.stderr
    assert result.stdout == ""


def test_an_sts_answer_is_capped_before_it_is_parsed() -> None:
    body = b"<a>" + b"x" * (900 * 1024) + b"</a>"
    sts = LoopbackServer({"/": lambda _r: Reply(200, body, {"Content-Type": "text/xml"})})
    sts.start()
    try:
        with GitHubActions() as job:
            env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": sts.url})
            result = run_exchange("aws", "--role-arn", ROLE, env=env)
    finally:
        sts.stop()
    assert result.returncode == 1
    assert "65536" in result.stderr


@pytest.fixture
def silent() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    stop = threading.Event()

    def hold(connection: Any) -> None:
        stop.wait(30)

    with raw_server(hold) as url:
        yield url
    stop.set()


def test_the_exchange_has_one_deadline_for_detection_and_exchange(silent: str) -> None:
    from id.testing import Faults

    # Detection takes 4 of the 6 seconds; STS never answers. One deadline ends it all at 6 s;
    # two (the code before) at 4 + 6.
    with GitHubActions(faults=Faults(delay=4.0)) as job:
        env = job_environ({**job.environ, "AWS_ENDPOINT_URL_STS": silent, "ID_TIMEOUT": "6"})
        started = time.monotonic()
        result = run_exchange("aws", "--role-arn", ROLE, env=env)
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert elapsed < 9.0, elapsed


def test_boto3_is_held_to_the_deadline(silent: str, tmp_path: Path) -> None:
    pytest.importorskip("boto3")
    env = job_environ(
        {"ID_TIMEOUT": "2", "AWS_ENDPOINT_URL_STS": silent, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
         "AWS_SECRET_ACCESS_KEY": "secret-example-key", "AWS_REGION": "eu-west-1",
         "AWS_CONFIG_FILE": str(tmp_path / "none"),
         "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    )  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "id", "--provider", "aws", "pypi"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    # boto3's own defaults (3 attempts of a 5 s connect and a 10 s read) took 40 s here.
    assert elapsed < 15, elapsed
    assert "secret-example-key" not in result.stderr


def test_a_fifo_as_an_external_accounts_file_source_does_not_hang(tmp_path: Path) -> None:
    pytest.importorskip("google.auth")
    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    config = tmp_path / "adc.json"
    config.write_text(
        json.dumps(
            {"type": "external_account", "audience": "//iam.googleapis.com/p",
             "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
             "token_url": "https://127.0.0.1:1/token", "credential_source": {"file": str(fifo)}}
        )
    )  # fmt: skip
    env = job_environ(
        {"GOOGLE_APPLICATION_CREDENTIALS": str(config), "ID_TIMEOUT": "5",
         "GOOGLE_SERVICE_ACCOUNT_NAME": "a@p.iam.gserviceaccount.com"}
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "id", "--provider", "google-adc", "pypi"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "is not a regular file" in result.stderr


# Low: the TLS predicate, library headers, single-use requests


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/jwks",
        "http://[fd00:ec2::254]/jwks",
        "http://metadata.google.internal/jwks",
        "http://metadata/jwks",
        "http://example.com/jwks",
    ],
)
def test_a_request_that_needs_tls_goes_over_plain_http_only_to_loopback(url: str) -> None:
    with pytest.raises(HttpError, match="must be an https:// URL"):
        check(Request("GET", url, tls_required=True))


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/jwks", "http://localhost:1/jwks"])
def test_loopback_may_serve_a_request_that_needs_tls(url: str) -> None:
    check(Request("GET", url, tls_required=True))


def test_headers_google_auth_sets_never_follow_a_redirect_elsewhere(tmp_path: Path) -> None:
    pytest.importorskip("google.auth")
    elsewhere = LoopbackServer({}, prefix_routes={"/": lambda _r: Reply.text(200, "x")}).start()
    source = LoopbackServer(
        {"/subject": lambda _r: Reply(302, b"", {"Location": f"{elsewhere.url}/subject"})}
    ).start()
    try:
        config = tmp_path / "adc.json"
        config.write_text(
            json.dumps(
                {"type": "external_account", "audience": "//iam.googleapis.com/p",
                 "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                 "token_url": f"{source.url}/token",
                 "credential_source": {"url": f"{source.url}/subject",
                                       "headers": {"Authorization": "Bearer s3cret-source-token"}}}
            )
        )  # fmt: skip
        env = job_environ(
            {"GOOGLE_APPLICATION_CREDENTIALS": str(config), "ID_TIMEOUT": "5",
             "GOOGLE_SERVICE_ACCOUNT_NAME": "a@p.iam.gserviceaccount.com"}
        )  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "id", "--provider", "google-adc", "pypi"],
            env=env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    finally:
        source.stop()
        elsewhere.stop()
    assert result.returncode == 1
    assert elsewhere.requests == []
    assert "s3cret-source-token" not in result.stderr


def test_a_single_use_token_is_never_posted_twice(tls: tuple[ssl.SSLContext, str]) -> None:
    mints: list[Received] = []

    def reset_after_reading(request: Received) -> Reply:
        mints.append(request)
        raise ConnectionResetError  # the server read the token, then the connection broke

    with GitHubActions() as job:
        result, _index = publish(job, tls, mint=reset_after_reading)
    assert result.returncode == 1
    assert len(mints) == 1
    assert "not sent again" in result.stderr
    assert "publisher" not in result.stderr


def test_a_pypi_token_with_an_escape_is_not_printed(tls: tuple[ssl.SSLContext, str]) -> None:
    context, bundle = tls
    with GitHubActions() as job:
        index = hostile_index(
            context, mint=lambda _r: Reply.json(200, {"token": "pypi-x\n::error::forged"})
        )
        try:
            env = job_environ({**job.environ, "SSL_CERT_FILE": bundle})
            result = run_exchange("pypi", "--repository-url", f"{index.url}/legacy/", env=env)
        finally:
            index.stop()
    assert result.returncode == 1
    assert result.stdout == ""
    assert_clean(result.stderr)


# Low: sign-in answers that echo the client secret

CLIENT_SECRET = "client-s3cret-value"


@pytest.mark.parametrize("flow", ["device", "token"])
def test_an_issuer_echoing_the_client_secret_never_has_it_printed(flow: str) -> None:
    from id import Issuer
    from id.signin import sign_in
    from id.signin.token_answer import post_form, provider_error

    def echo(request: Received) -> Reply:
        return Reply.json(
            400, {"error": "invalid_client", "error_description": request.body.decode()}
        )

    holder: dict[str, str] = {}

    def discovery(_request: Received) -> Reply:
        url = holder["url"]
        return Reply.json(
            200,
            {"issuer": url, "token_endpoint": f"{url}/token",
             "device_authorization_endpoint": f"{url}/device",
             "authorization_endpoint": f"{url}/auth", "jwks_uri": f"{url}/jwks"},
        )  # fmt: skip

    server = LoopbackServer(
        {"/.well-known/openid-configuration": discovery, "/token": echo, "/device": echo}
    ).start()
    holder["url"] = server.url
    issuer = Issuer(server.url, environ={"ID_TIMEOUT": "5"})

    def attempt() -> None:
        if flow == "device":
            sign_in(
                issuer, client_id="c", client_secret=CLIENT_SECRET, flow="device",
                output=io.StringIO(), timeout=5,
            )  # fmt: skip
            return
        form = {"grant_type": "authorization_code", "code": "the-code-1234", "client_id": "c",
                "client_secret": CLIENT_SECRET}  # fmt: skip
        _status, answer = post_form(issuer, f"{server.url}/token", form, "code exchange")
        raise SignInError(f"the issuer refused: {provider_error(answer)}")

    try:
        with pytest.raises(SignInError) as info:
            attempt()
    finally:
        server.stop()
    assert "invalid_client" in str(info.value)
    assert CLIENT_SECRET not in str(info.value)


def test_identity_errors_are_always_clean() -> None:
    text = str(IdentityError(f"quoted: {HOSTILE}"))
    assert_clean(text)
    assert text.startswith("quoted: red")


def test_google_auths_intermediate_access_token_is_never_printed(tmp_path: Path) -> None:
    pytest.importorskip("google.auth")
    source_token = "ya29.intermediate-access-token-0123456789"

    def echo(request: Received) -> Reply:
        return Reply.json(403, {"error": {"message": f"denied; you sent {request.headers}"}})

    server = LoopbackServer(
        {"/token": lambda _r: Reply.json(
            200, {"access_token": source_token, "expires_in": 3600, "token_type": "Bearer"})},
        prefix_routes={"/impersonate": echo},
    ).start()  # fmt: skip
    try:
        subject = tmp_path / "subject"
        subject.write_text("subject-token-from-the-platform")
        config = tmp_path / "adc.json"
        config.write_text(
            json.dumps(
                {"type": "external_account", "audience": "//iam.googleapis.com/p",
                 "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                 "token_url": f"{server.url}/token",
                 "service_account_impersonation_url":
                     f"{server.url}/impersonate/a@p.iam.gserviceaccount.com:generateAccessToken",
                 "credential_source": {"file": str(subject)}}
            )
        )  # fmt: skip
        env = job_environ(
            {"GOOGLE_APPLICATION_CREDENTIALS": str(config), "ID_TIMEOUT": "5",
             "GOOGLE_SERVICE_ACCOUNT_NAME": "a@p.iam.gserviceaccount.com",
             "ID_GCP_IAM_ENDPOINT": server.url}
        )  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "id", "--provider", "google-adc", "pypi"],
            env=env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 1
    assert any(r.path.startswith("/impersonate") for r in server.requests), result.stderr
    assert "intermediate-access-token" not in result.stderr


def test_hostile_text_from_google_auth_is_filtered_and_capped() -> None:
    pytest.importorskip("google.auth")
    from id.testing import Faults, GoogleAdc

    with GoogleAdc(faults=Faults(status=400, body=HOSTILE.encode())) as adc:
        result = subprocess.run(
            [sys.executable, "-m", "id", "--provider", "google-adc", "pypi"],
            env=job_environ(adc.environ), capture_output=True, text=True, timeout=30,
            check=False,
        )  # fmt: skip
    assert result.returncode == 1
    assert_clean(result.stderr)


def test_the_largest_sts_answer_parses_in_bounded_memory() -> None:
    import tracemalloc

    from id.exchange.aws import MAX_ANSWER_BYTES, _parse

    # The worst shape for a tree: as many empty elements as the cap allows.
    body = b"<a>" + b"<b/>" * ((MAX_ANSWER_BYTES - 7) // 4) + b"</a>"
    assert len(body) <= MAX_ANSWER_BYTES
    tracemalloc.start()
    try:
        _parse(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # SECURITY.md states the figure: about 2 MiB, measured here.
    assert peak < 4 * 2**20, peak
