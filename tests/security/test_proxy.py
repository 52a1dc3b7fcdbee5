"""Proxies and TLS for real: a CONNECT proxy from PyPI (proxy.py) and a private CA (trustme)."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from id import detect_credential
from id._deadline import Deadline
from id._http import HttpClient, Request
from id.testing import GitHubActions, LoopbackServer, Reply
from tests.helpers import claims, job_environ

# A name for this machine that id does not treat as loopback (it resolves names only through
# the proxy), so that requests to it go through HTTPS_PROXY.
HOST = socket.gethostname()


def _resolves_to_loopback(name: str) -> bool:
    try:
        return socket.gethostbyname(name).startswith("127.")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _resolves_to_loopback(HOST) or HOST in ("localhost",),
    reason=f"this machine's name {HOST!r} does not resolve to 127.0.0.1",
)


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """proxy.py listening on loopback; yields its URL and its log file."""
    # proxy.py binds a port of its own choosing and writes it to a file: none is freed and hoped
    # for.
    port_file = tmp_path / "proxy.port"
    log = tmp_path / "proxy.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0",
             "--port-file", str(port_file),
             "--num-workers", "1", "--num-acceptors", "1", "--log-level", "INFO"],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            port = 0
            while time.monotonic() < deadline:
                text = port_file.read_text().split() if port_file.exists() else []
                if text and text[0].isdigit():
                    port = int(text[0])
                    with (
                        contextlib.suppress(OSError),
                        socket.create_connection(("127.0.0.1", port), 1),
                    ):
                        break
                time.sleep(0.1)
            else:
                pytest.fail(f"proxy.py did not start: {log.read_text()}")
            yield f"http://127.0.0.1:{port}", log
        finally:
            process.terminate()
            process.wait(10)


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(authority: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


def server_tls(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(HOST, "127.0.0.1").configure_cert(context)
    return context


def connects_through(log: Path, port: int) -> bool:
    return f"CONNECT {HOST}:{port}".encode() in log.read_bytes() or (
        f"{HOST}:{port}".encode() in log.read_bytes()
    )


def test_https_goes_through_the_connect_proxy(
    proxy: tuple[str, Path], ca_file: str, authority: trustme.CA
) -> None:
    proxy_url, log = proxy
    server = LoopbackServer({"/": lambda _r: Reply.text(200, "through")}, tls=server_tls(authority))
    server.start()
    try:
        port = server.url.rsplit(":", 1)[1]
        environ = {"HTTPS_PROXY": proxy_url, "SSL_CERT_FILE": ca_file}
        with HttpClient(Deadline(20), environ) as http:
            response = http.send(Request("GET", f"https://{HOST}:{port}/"))
        assert response.text() == "through"
        time.sleep(0.2)  # the proxy writes its access log when the tunnel closes
        assert connects_through(log, int(port)), log.read_text()
    finally:
        server.stop()


def test_no_proxy_goes_direct(proxy: tuple[str, Path], ca_file: str, authority: trustme.CA) -> None:
    proxy_url, log = proxy
    server = LoopbackServer({"/": lambda _r: Reply.text(200, "direct")}, tls=server_tls(authority))
    server.start()
    try:
        port = server.url.rsplit(":", 1)[1]
        environ = {
            "https_proxy": proxy_url,
            "no_proxy": f"example.com,{HOST}",
            "SSL_CERT_FILE": ca_file,
        }
        with HttpClient(Deadline(20), environ) as http:
            assert http.send(Request("GET", f"https://{HOST}:{port}/")).text() == "direct"
        assert not connects_through(log, int(port))
    finally:
        server.stop()


def test_github_token_through_the_proxy_over_tls(
    proxy: tuple[str, Path], ca_file: str, authority: trustme.CA
) -> None:
    proxy_url, log = proxy
    with GitHubActions(tls=server_tls(authority)) as job:
        environ = job_environ(job.environ)
        environ["ACTIONS_ID_TOKEN_REQUEST_URL"] = environ["ACTIONS_ID_TOKEN_REQUEST_URL"].replace(
            "127.0.0.1", HOST
        )
        assert environ["ACTIONS_ID_TOKEN_REQUEST_URL"].startswith(f"https://{HOST}:")
        environ.update({"HTTPS_PROXY": proxy_url, "SSL_CERT_FILE": ca_file})
        token = detect_credential("pypi", environ=environ)
        assert job.requests[0].headers["authorization"] == f"bearer {job.request_token}"
    assert claims(token)["aud"] == "pypi"
    # The proxy saw a tunnel, never the request token.
    time.sleep(0.2)
    assert job.request_token.encode() not in log.read_bytes()


def test_untrusted_certificate_is_refused(authority: trustme.CA) -> None:
    with GitHubActions(tls=server_tls(authority)) as job:
        environ = job_environ(job.environ)
        environ.pop("SSL_CERT_FILE", None)
        environ["ID_TIMEOUT"] = "3"
        with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
            detect_credential("pypi", environ=environ)
        assert job.requests == []
