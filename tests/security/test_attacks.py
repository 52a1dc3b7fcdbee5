"""Each finding of the second attack review, tried as the attacker tried it against the released
behaviour: every test here failed on the code before the fix (SECURITY.md, "Attack review")."""

from __future__ import annotations

import base64
import io
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from id import (
    AmbientCredentialError,
    IdentityToken,
    Issuer,
    MalformedTokenError,
    SignInError,
    VerificationError,
    detect_credential,
)
from id.testing import (
    Bitrise,
    Buildkite,
    Codefresh,
    Faults,
    GitHubActions,
    LoopbackServer,
    OIDCIssuer,
    Reply,
    Request,
)
from tests.helpers import job_environ, raw_server, run_id

# Shorter than 40 characters: the blanket pattern that once redacted long strings missed it.
SECRET = "short-request-token-1234"
DEADLINE = 2.0
SLACK = 1.5


@pytest.fixture
def server() -> Iterator[Callable[..., LoopbackServer]]:
    started: list[LoopbackServer] = []

    def start(routes: dict[str, Any], **options: Any) -> LoopbackServer:
        started.append(LoopbackServer(routes, **options).start())
        return started[-1]

    yield start
    for each in started:
        each.stop()


def github_job(url: str, token: str = SECRET) -> dict[str, str]:
    """A GitHub job whose token endpoint is `url`."""
    return job_environ(
        {
            "GITHUB_ACTIONS": "true",
            "ACTIONS_ID_TOKEN_REQUEST_URL": url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": token,
            "ID_TIMEOUT": str(DEADLINE),
        }
    )


# High: a line break in a credential


@pytest.mark.parametrize(
    ("platform", "variable"),
    [
        (GitHubActions, "ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
        (Codefresh, "CF_OIDC_REQUEST_TOKEN"),
        (Bitrise, "BITRISE_BUILD_API_TOKEN"),
    ],
)
@pytest.mark.parametrize("value", ["abc\r\nX-Evil: 1", "abc\nX-Evil: 1", "tök€n-X-Evil"])
def test_a_credential_that_would_split_a_header_is_named_not_sent(
    platform: Callable[[], Any], variable: str, value: str
) -> None:
    with platform() as job:
        environ = job_environ({**job.environ, variable: value})
        with pytest.raises(AmbientCredentialError, match=variable) as info:
            detect_credential("pypi", environ=environ)
        assert job.requests == []
    assert "X-Evil" not in str(info.value)


def test_the_cli_says_one_line_and_no_traceback_for_a_line_break() -> None:
    with GitHubActions() as job:
        result = run_id(
            "pypi",
            env=job_environ({**job.environ, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "a\r\nX-Evil: 1"}),
        )
    assert result.returncode == 1
    assert "X-Evil" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


# Medium: the deadline covers the whole exchange; headers are capped


def _drip(prefix: bytes, unit: bytes) -> Callable[[socket.socket], None]:
    def handle(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(prefix)
        for _ in range(600):  # 30 s at most, unless the client gives up first
            connection.sendall(unit)
            time.sleep(0.05)

    return handle


@pytest.mark.parametrize(
    ("prefix", "unit"),
    [
        (b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a"),  # a header, one byte at a time
        (b"", b"HTTP/1.1 100 Continue\r\n\r\n"),  # an endless stream of 100 Continue
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", b"0"),  # a chunk size line
        (b"HTT", b"P"),  # the status line itself
    ],
    ids=["header", "100-continue", "chunk-size", "status-line"],
)
def test_a_dripping_server_cannot_outlast_the_deadline(prefix: bytes, unit: bytes) -> None:
    with raw_server(_drip(prefix, unit)) as url:
        started = time.monotonic()
        with pytest.raises(AmbientCredentialError, match="timed out|deadline|longer than"):
            detect_credential("pypi", environ=github_job(url))
        elapsed = time.monotonic() - started
    assert elapsed <= DEADLINE + SLACK, f"took {elapsed:.1f} s"


def test_a_huge_header_block_fails_fast_in_bounded_memory() -> None:
    def handle(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        line = b"X-Big: " + b"a" * 60000 + b"\r\n"
        for _ in range(900):  # about 50 MiB
            connection.sendall(line)

    with raw_server(handle) as url:
        tracemalloc.start()
        started = time.monotonic()
        with pytest.raises(AmbientCredentialError, match="headers are longer than"):
            detect_credential("pypi", environ=github_job(url))
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    # Reading stopped at the cap: the memory shows it; the time only that it did not read 50 MiB
    # (a bound a loaded machine keeps).
    assert peak < 2 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    assert elapsed < 10


# Medium: redaction


def test_a_retried_answer_quoting_the_credential_is_redacted(server: Any) -> None:
    answer = Reply(
        503, f"overloaded; your token {SECRET} was fine".encode(), {"Retry-After": "100"}
    )
    endpoint = server({"/token": lambda _r: answer})
    with pytest.raises(AmbientCredentialError, match="no time left") as info:
        detect_credential("pypi", environ=github_job(f"{endpoint.url}/token"))
    assert SECRET not in str(info.value)


def test_an_aud_claim_holding_the_credential_is_redacted() -> None:
    job = GitHubActions(claims={"aud": SECRET})
    job.request_token = SECRET
    with job, pytest.raises(AmbientCredentialError, match="not 'pypi'") as info:
        detect_credential("pypi", environ=job_environ(job.environ))
    assert SECRET not in str(info.value)


def test_a_location_header_holding_the_credential_is_redacted(server: Any) -> None:
    other = server({})
    redirect = Reply(302, b"", {"Location": f"{other.url}/steal/{SECRET}"})
    endpoint = server({"/token": lambda _r: redirect})
    with pytest.raises(AmbientCredentialError, match="another origin") as info:
        detect_credential("pypi", environ=github_job(f"{endpoint.url}/token"))
    assert SECRET not in str(info.value)
    assert other.requests == []


def test_a_bad_status_line_holding_the_credential_is_redacted() -> None:
    def echo(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(f"HTTP/1.1 {SECRET}\r\n\r\n".encode())

    with raw_server(echo) as url, pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ=github_job(url))
    assert SECRET[:8] not in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        " " * 2382 + "ab/cd/" + SECRET + " rest",  # cut at 2,400 inside, then moved forward
        json.dumps({"message": "bad: ab/cd/" + SECRET}),  # JSON
        '{"message": "bad: ab\\/cd\\/' + SECRET + '"}',  # JSON that escapes "/" as "\/"
        "bad: ab%2Fcd%2F" + SECRET,  # URL-encoded
    ],
    ids=["truncated", "json", "json-escaped-slash", "url-encoded"],
)
def test_every_form_of_an_echoed_credential_is_redacted(server: Any, body: str) -> None:
    token = "ab/cd/" + SECRET
    endpoint = server({"/token": lambda _r: Reply.text(400, body)})
    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ=github_job(f"{endpoint.url}/token", token))
    assert SECRET[:8] not in str(info.value)


def test_commit_shas_and_urls_are_diagnostics_not_secrets(server: Any) -> None:
    sha = "9f3a0c2b7d1e4f5a6b7c8d9e0f1a2b3c4d5e6f70"
    body = f"ref refs/heads/main at {sha} is not allowed by https://example.com/policies/release"
    endpoint = server({"/token": lambda _r: Reply.text(403, body)})
    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ=github_job(f"{endpoint.url}/token"))
    assert sha in str(info.value)
    assert "https://example.com/policies/release" in str(info.value)


# Medium: sign-in


def issuer_server(server: Any, token_reply: Reply) -> str:
    """A loopback OpenID issuer whose token endpoint answers `token_reply`."""
    holder: dict[str, str] = {}

    def discovery(_request: Request) -> Reply:
        url = holder["url"]
        return Reply.json(
            200,
            {
                "issuer": url,
                "authorization_endpoint": f"{url}/authorize",
                "token_endpoint": f"{url}/token",
                "device_authorization_endpoint": f"{url}/token",
                "jwks_uri": f"{url}/jwks",
            },
        )

    running = server(
        {"/.well-known/openid-configuration": discovery, "/token": lambda _r: token_reply}
    )
    holder["url"] = running.url
    return str(running.url)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_token_post_is_not_redirected_to_another_origin(server: Any, status: int) -> None:
    from id.signin.token_answer import post_form

    elsewhere = server({"/token": lambda _r: Reply.json(200, {})})
    url = issuer_server(server, Reply(status, b"", {"Location": f"{elsewhere.url}/token"}))
    form = {"code": "c0de-1234", "code_verifier": "verifier-5678", "client_secret": "s3cret-9"}
    with pytest.raises(SignInError, match="another origin"):
        post_form(Issuer(url), f"{url}/token", {"client_id": "c", **form}, "code exchange")
    assert elsewhere.requests == []


def test_an_unsigned_or_forged_id_token_from_sign_in_is_refused(server: Any) -> None:
    from id.signin.token_answer import id_token_from

    url = issuer_server(server, Reply.json(200, {}))
    now = int(time.time())
    payload = {"iss": url, "sub": "p", "aud": "c", "iat": now, "exp": now + 300, "nonce": "n"}

    def b64(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."
    with pytest.raises(SignInError, match="not signed"):
        id_token_from(200, {"id_token": unsigned}, Issuer(url), "c", "n")
    forged = OIDCIssuer(url).mint(payload)  # a key the issuer does not publish
    with pytest.raises(SignInError, match="does not verify"):
        id_token_from(200, {"id_token": forged}, Issuer(url), "c", "n")


# Medium: verification


@pytest.fixture
def https_issuer(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], LoopbackServer]]:
    """An HTTPS issuer on loopback (trusted through SSL_CERT_FILE) whose jwks_uri redirects to
    plain HTTP elsewhere, where an attacker (the HTTP proxy) answers."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(tls)
    holder: dict[str, str] = {}
    attacker = OIDCIssuer("placeholder")
    routes = {
        "/.well-known/openid-configuration": lambda _r: Reply.json(
            200, {"issuer": holder["url"], "jwks_uri": f"{holder['url']}/jwks"}
        ),
        "/jwks": lambda _r: Reply(302, b"", {"Location": "http://keys.example/jwks"}),
    }
    issuer = LoopbackServer(routes, tls=tls).start()
    holder["url"] = issuer.url
    attacker.url = issuer.url
    # The attacker: whatever plain-HTTP host the redirect names, the proxy answers.
    proxy = LoopbackServer({"/jwks": lambda _r: Reply.json(200, attacker.jwks())})
    proxy.start()
    environ = {"SSL_CERT_FILE": str(tmp_path / "ca.pem"), "HTTP_PROXY": proxy.url}
    environ["FORGED"] = attacker.mint({"sub": "mallory", "aud": "pypi"})
    try:
        yield issuer.url, environ, proxy
    finally:
        issuer.stop()
        proxy.stop()


def test_a_key_fetch_redirected_to_plain_http_is_refused(
    https_issuer: tuple[str, dict[str, str], LoopbackServer],
) -> None:
    from id._verify import IssuerKeys

    url, environ, attacker = https_issuer
    with pytest.raises(VerificationError, match="https://"):
        IssuerKeys(url, environ).verify(environ["FORGED"], audience="pypi", leeway=0)
    assert attacker.requests == []


def test_verify_without_issuer_fetches_nothing_from_a_pasted_token(server: Any) -> None:
    listener = server({})
    token = OIDCIssuer(listener.url).mint({"sub": "s", "aud": "pypi"})
    result = run_id("--token", token, "--verify", "pypi", env=job_environ({}))
    assert result.returncode == 2
    assert "pass --issuer URL" in result.stderr
    assert listener.requests == []


def test_unknown_kids_refresh_the_keys_once_not_once_per_token() -> None:
    from id._verify import IssuerKeys

    with OIDCIssuer() as issuer:
        verifier = IssuerKeys(issuer.url)
        verifier.verify(issuer.mint({"sub": "s", "aud": "pypi"}), audience="pypi", leeway=0)
        for _ in range(20):
            stranger = OIDCIssuer(issuer.url)
            with pytest.raises(VerificationError, match="no key with kid"):
                verifier.verify(
                    stranger.mint({"sub": "s", "aud": "pypi"}), audience="pypi", leeway=0
                )
        # discovery + JWKS, then one refresh (discovery + JWKS) for all 20 unknown kids
        assert len(issuer.requests) == 4


def test_a_slow_key_fetch_does_not_block_tokens_with_known_keys() -> None:
    from id._verify import IssuerKeys

    with OIDCIssuer() as issuer:
        verifier = IssuerKeys(issuer.url)
        known = issuer.mint({"sub": "s", "aud": "pypi"})
        verifier.verify(known, audience="pypi", leeway=0)
        issuer.jwks_faults = Faults(delay=8)
        assert issuer.server is not None
        issuer.server.faults = issuer.jwks_faults
        stranger = OIDCIssuer(issuer.url).mint({"sub": "s", "aud": "pypi"})
        outcome: list[BaseException] = []

        def refresh_for_an_unknown_kid() -> None:
            try:
                verifier.verify(stranger, audience="pypi", leeway=0)
            except VerificationError as exc:
                outcome.append(exc)

        slow = threading.Thread(target=refresh_for_an_unknown_kid)
        slow.start()
        time.sleep(0.3)  # the unknown kid's refresh is under way
        started = time.monotonic()
        verifier.verify(known, audience="pypi", leeway=0)
        elapsed = time.monotonic() - started
        slow.join()
    assert outcome, "the unknown kid was accepted"
    # The fetch takes 8 s: a known key that waited for it would take most of that.
    assert elapsed < 5, f"a known key waited {elapsed:.1f} s behind a fetch"


# Medium: third-party debug logs


def test_vv_with_boto3_logs_no_credential(server: Any) -> None:
    pytest.importorskip("boto3")
    issued = OIDCIssuer("https://sts.amazonaws.com").mint(
        {"sub": "arn:aws:iam::1:role/r", "aud": "pypi"}
    )
    xml = (
        '<GetWebIdentityTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<GetWebIdentityTokenResult><WebIdentityToken>{issued}</WebIdentityToken>"
        "<Expiration>2030-01-01T00:00:00Z</Expiration></GetWebIdentityTokenResult>"
        "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
        "</GetWebIdentityTokenResponse>"
    )
    sts = server({"/": lambda _r: Reply(200, xml.encode(), {"Content-Type": "text/xml"})})
    session_token = "FwoGZXIvYXdzE" + secrets.token_urlsafe(40)
    secret_key = secrets.token_urlsafe(30)
    environ = job_environ(
        {
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": secret_key,
            "AWS_SESSION_TOKEN": session_token,
            "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL_STS": sts.url,
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }
    )
    result = run_id("-vv", "--provider", "aws", "pypi", env=environ)
    assert result.returncode == 0, result.stderr
    assert "botocore" in result.stderr  # its debug log is there...
    assert session_token not in result.stderr  # ...without the credentials
    assert secret_key not in result.stderr
    assert issued.split(".")[1] not in result.stderr
    assert result.stdout.strip() == issued


# Low


def test_an_idle_connection_does_not_hold_up_the_browser_redirect() -> None:
    from id.testing import OpenIDProvider
    from tests.signin.test_flows import person_with_browser

    idle: list[socket.socket] = []

    def browser(url: str) -> None:
        from urllib.parse import parse_qs, urlsplit

        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        port = urlsplit(redirect).port
        idle.append(socket.create_connection(("127.0.0.1", port)))  # connects, sends nothing
        person_with_browser(url)

    with OpenIDProvider() as provider:
        started = time.monotonic()
        token = Issuer(provider.url).identity_token(
            "sigstore",
            flow="browser",
            open_browser=browser,
            timeout=30,
            output=io.StringIO(),
        )
        elapsed = time.monotonic() - started
    for each in idle:
        each.close()
    assert token.audience == ["sigstore"]
    # An idle connection held the single-threaded server until the sign-in timed out (30 s).
    assert elapsed < 20


def test_an_error_redirect_with_the_wrong_state_is_not_believed() -> None:
    from id.testing import OpenIDProvider

    def forger(url: str) -> None:
        from urllib.error import HTTPError
        from urllib.parse import parse_qs, urlsplit
        from urllib.request import ProxyHandler, build_opener

        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        opener = build_opener(ProxyHandler({}))
        with pytest.raises(HTTPError, match="400"):
            opener.open(f"{redirect}?error=access_denied&state=forged", timeout=5)

    with OpenIDProvider() as provider, pytest.raises(SignInError, match="state is not the one"):
        Issuer(provider.url).identity_token(
            "sigstore", flow="browser", open_browser=forger, timeout=5, output=io.StringIO()
        )


@pytest.mark.parametrize("interval", [float("nan"), 0, -1])
def test_device_flow_survives_a_nonsense_interval(interval: float) -> None:
    from id.testing import OpenIDProvider

    waits: list[float] = []
    with OpenIDProvider(device_interval=interval) as provider:
        Issuer(provider.url).identity_token(
            "sigstore", flow="device", sleep=waits.append, output=io.StringIO()
        )
    assert waits
    assert all(wait == 5.0 for wait in waits)


def test_agent_output_cannot_drive_the_terminal(tmp_path: Path) -> None:
    agent = tmp_path / "buildkite-agent"
    agent.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "sys.stderr.write('\\x1b[2J\\x1b[31mfatal\\x1b]0;owned\\x07 \\u202eoops\\n')\n"
        "raise SystemExit(1)\n"
    )
    agent.chmod(0o755)
    environ = job_environ({"BUILDKITE": "true", "PATH": str(tmp_path)})
    with pytest.raises(AmbientCredentialError, match="fatal") as info:
        detect_credential("pypi", environ=environ)
    message = str(info.value)
    for forbidden in ("\x1b", "[2J", "[31m", "owned", "\u202e"):
        assert forbidden not in message


def test_show_cannot_be_made_to_forge_a_line() -> None:
    token = OIDCIssuer().mint({"sub": "me\nissuer:   https://evil.example", "aud": "pypi"})
    result = run_id("--token", token, "--show", env=job_environ({}))
    assert result.returncode == 0, result.stderr
    assert not any(line.startswith("issuer:   https://evil") for line in result.stdout.splitlines())
    assert "me\\nissuer:" in result.stdout


def test_decode_keeps_one_line_per_part() -> None:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256",\n"typ":"JWT"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(b'{"aud":"pypi",\n"x":1}').rstrip(b"=").decode()
    result = run_id("--token", f"{header}.{payload}.c2ln", "-d", env=job_environ({}))
    assert result.stdout.splitlines() == ['{"alg":"RS256","typ":"JWT"}', '{"aud":"pypi","x":1}']


def test_a_token_file_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "token"
    os.mkfifo(fifo)
    try:
        result = run_id("pypi", env=job_environ({"ID_OIDC_TOKEN_FILE": str(fifo)}), timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("reading a FIFO token file hung")
    assert result.returncode == 1
    assert "not a regular file" in result.stderr


def _token_with(payload: bytes) -> str:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256"}').rstrip(b"=").decode()
    return f"{header}.{base64.urlsafe_b64encode(payload).rstrip(b'=').decode()}.c2ln"


def test_deeply_nested_json_in_a_token_is_an_identity_error() -> None:
    raw = _token_with(b'{"aud":"pypi","x":' + b"[" * 20000 + b"]" * 20000 + b"}")
    with pytest.raises(AmbientCredentialError, match="not JSON"):
        detect_credential("pypi", environ=job_environ({"ID_OIDC_TOKEN": raw}))
    with pytest.raises(MalformedTokenError):
        IdentityToken(raw)


def test_a_huge_number_in_a_token_is_an_identity_error() -> None:
    raw = _token_with(b'{"iss":"i","sub":"s","aud":"pypi","iat":1,"exp":1' + b"0" * 400 + b"}")
    with pytest.raises(MalformedTokenError, match="not a time"):
        IdentityToken(raw)
    result = run_id("--token", raw, "--show", env=job_environ({}))
    assert (result.returncode, result.stderr.count("\n")) == (1, 1)


def test_a_cli_whose_grandchild_keeps_stdout_open_still_gives_its_token(tmp_path: Path) -> None:
    token = OIDCIssuer().mint({"sub": "s", "aud": "pypi"})
    agent = tmp_path / "buildkite-agent"
    agent.write_text(
        f"#!{sys.executable}\nimport subprocess, sys\n"
        f"print({token!r}, flush=True)\n"
        "subprocess.Popen(['sleep', '20'])  # inherits stdout and keeps it open\n"
    )
    agent.chmod(0o755)
    environ = job_environ({"BUILDKITE": "true", "PATH": f"{tmp_path}:/usr/bin:/bin"})
    started = time.monotonic()
    assert detect_credential("pypi", environ=environ) == token
    assert time.monotonic() - started < 5


def test_a_localhost_name_counts_only_when_it_connects_to_loopback() -> None:
    from id._http.policy import peer_allowed as _peer_allowed

    assert _peer_allowed("id.localhost", "127.0.0.1")
    assert not _peer_allowed("id.localhost", "10.1.2.3")
    assert _peer_allowed("metadata.google.internal", "169.254.169.254")
    assert not _peer_allowed("metadata.google.internal", "203.0.113.9")


def test_buildkite_agent_token_is_a_secret(tmp_path: Path) -> None:
    # The agent's access token is never printed, even when the agent echoes it.
    with Buildkite(agent_installed=False) as job:
        agent = tmp_path / "buildkite-agent"
        agent.write_text(
            f"#!{sys.executable}\nimport os, sys\n"
            "sys.stderr.write('denied for ' + os.environ['BUILDKITE_AGENT_ACCESS_TOKEN'])\n"
            "raise SystemExit(1)\n"
        )
        agent.chmod(0o755)
        short = "bk-agent-1234"
        environ = job_environ(
            {**job.environ, "PATH": str(tmp_path), "BUILDKITE_AGENT_ACCESS_TOKEN": short}
        )
        with pytest.raises(AmbientCredentialError, match="denied for") as info:
            detect_credential("pypi", environ=environ)
    assert short not in str(info.value)
