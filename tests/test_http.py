"""The HTTP helper against real loopback servers, well-behaved and hostile."""

from __future__ import annotations

import contextlib
import socket
import ssl
import time
from collections.abc import Callable, Iterator

import pytest
import trustme

from id._deadline import Deadline
from id._http import (
    MAX_ATTEMPTS,
    MAX_RESPONSE_BYTES,
    HttpClient,
    HttpError,
    Response,
    plain_http_allowed,
    tls_context,
)
from id._http import Request as HttpRequest
from id.testing import Faults, LoopbackServer, Reply, Request
from tests.helpers import raw_server, refused_port

SECRET = "s3cr3t-request-token-value"


@contextlib.contextmanager
def serving(
    routes: dict[str, Callable[[Request], Reply]], **options: object
) -> Iterator[LoopbackServer]:
    server = LoopbackServer(routes, **options).start()  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()


def client(seconds: float = 10, **environ: str) -> HttpClient:
    return HttpClient(Deadline(seconds), environ)


def request(
    method: str,
    url: str,
    *,
    seconds: float = 10,
    environ: dict[str, str] | None = None,
    credential: str | None = None,
) -> Response:
    """One request through a fresh client, closed afterwards."""
    headers = {"Authorization": credential} if credential else None
    with client(seconds, **(environ or {})) as http:
        return http.send(
            HttpRequest(method, url, headers=headers, secrets=[credential] if credential else [])
        )


def ok(_request: Request) -> Reply:
    return Reply.text(200, "fine")


def test_get_and_connection_reuse() -> None:
    with serving({"/a": ok, "/b": ok}) as server, client() as http:
        assert http.send(HttpRequest("GET", f"{server.url}/a")).text() == "fine"
        assert http.send(HttpRequest("GET", f"{server.url}/b")).status == 200
        assert len(http._transport._connections) == 1
    assert [r.path for r in server.requests] == ["/a", "/b"]


def test_retry_after_is_honoured() -> None:
    with serving({"/t": ok}, faults=Faults(status=429, retry_after="1", times=1)) as server:
        started = time.monotonic()
        response = request("GET", f"{server.url}/t")
        elapsed = time.monotonic() - started
    assert response.status == 200
    assert 0.9 <= elapsed < 20


def test_retry_after_beyond_the_deadline_fails_at_once() -> None:
    with serving({"/t": ok}, faults=Faults(status=429, retry_after="100")) as server:
        started = time.monotonic()
        with pytest.raises(HttpError, match="server asked to retry after 100 s"):
            request("GET", f"{server.url}/t", seconds=30)
        # It did not sleep 100 s, nor wait out the 30 s deadline.
        assert time.monotonic() - started < 20
        assert len(server.requests) == 1


def test_retries_stop_after_max_attempts_and_return_the_last_answer() -> None:
    with serving({"/t": ok}, faults=Faults(status=502)) as server:
        response = request("GET", f"{server.url}/t")
    assert response.status == 502
    assert len(server.requests) == MAX_ATTEMPTS


def test_connection_refused_is_retried_then_reported() -> None:
    with (
        refused_port() as port,
        pytest.raises(
            HttpError, match=f"failed after {MAX_ATTEMPTS} attempts: ConnectionRefusedError"
        ),
    ):
        request("GET", f"http://127.0.0.1:{port}/")


def test_server_that_never_answers_is_bounded_by_the_deadline() -> None:
    def silent(connection: socket.socket) -> None:
        connection.recv(65536)
        time.sleep(10)

    with raw_server(silent) as url:
        started = time.monotonic()
        with pytest.raises(HttpError, match="timed out|deadline"):
            request("GET", url, seconds=1.5)
        elapsed = time.monotonic() - started
    # Unbounded, it would take the server's 10 s.
    assert elapsed < 7


def test_endless_slow_body_is_bounded_by_the_deadline() -> None:
    def trickle(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
        for _ in range(100):
            connection.sendall(b"x")
            time.sleep(0.1)

    with raw_server(trickle) as url:
        started = time.monotonic()
        with pytest.raises(HttpError, match="deadline"):
            request("GET", url, seconds=1.5)
        elapsed = time.monotonic() - started
    # Unbounded, it would take the server's 10 s.
    assert elapsed < 7


def test_announced_huge_body_is_refused_unread() -> None:
    def huge(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 268435456\r\n\r\n")

    with (
        raw_server(huge) as url,
        pytest.raises(HttpError, match="announced a 268435456-byte response"),
    ):
        request("GET", url)


def test_endless_chunked_body_is_cut_at_the_cap() -> None:
    def endless(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        for _ in range(64):  # 4 MiB at most, then give up
            connection.sendall(b"10000\r\n" + chunk + b"\r\n")

    with (
        raw_server(endless) as url,
        pytest.raises(HttpError, match=f"more than {MAX_RESPONSE_BYTES} bytes"),
    ):
        request("GET", url)


def test_credential_is_never_sent_over_plain_http_to_another_host() -> None:
    with pytest.raises(
        HttpError, match="refusing to send a credential over plain HTTP to example.invalid"
    ):
        request("GET", "http://example.invalid/token", credential=SECRET)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("169.254.169.254", True),
        ("metadata.google.internal", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("169.254.169.253", False),
    ],
)
def test_hosts_that_may_receive_a_credential_over_http(host: str, allowed: bool) -> None:
    assert plain_http_allowed(host) is allowed


def redirect_to(location: str) -> Callable[[Request], Reply]:
    return lambda _request: Reply(302, b"", {"Location": location})


def test_same_origin_redirect_keeps_the_credential() -> None:
    def check(request: Request) -> Reply:
        return Reply.text(200 if request.headers.get("authorization") == SECRET else 401, "")

    with serving({"/old": redirect_to("/new"), "/new": check}) as server:
        response = request("GET", f"{server.url}/old", credential=SECRET)
    assert response.status == 200


def test_cross_origin_redirect_with_a_credential_is_refused() -> None:
    with serving({"/": ok}) as other, serving({"/old": redirect_to(f"{other.url}/")}) as server:
        with pytest.raises(
            HttpError, match="refusing to follow a redirect to another origin"
        ) as info:
            request("GET", f"{server.url}/old", credential=SECRET)
        assert other.requests == []
    assert SECRET not in str(info.value)


def test_cross_origin_redirect_without_a_credential_is_followed() -> None:
    with serving({"/": ok}) as other, serving({"/old": redirect_to(f"{other.url}/")}) as server:
        assert request("GET", f"{server.url}/old").text() == "fine"


def test_redirect_loop_is_bounded() -> None:
    with (
        serving({"/loop": redirect_to("/loop")}) as server,
        pytest.raises(HttpError, match="more than 3 redirects"),
    ):
        request("GET", f"{server.url}/loop")


def test_error_summary_redacts_echoed_secrets() -> None:
    def echo(request: Request) -> Reply:
        return Reply.text(400, f"bad credential: {request.headers.get('authorization')}")

    long_secret = "A" * 50
    with serving({"/": echo}) as server:
        response = request("GET", f"{server.url}/", credential=long_secret)
    assert long_secret not in response.describe()
    assert "[redacted]" in response.describe()


def test_plain_http_goes_through_http_proxy_unless_no_proxy() -> None:
    # The loopback server plays the forward proxy: it receives the absolute URL.
    with serving({"/x": ok}) as proxy:
        response = request("GET", "http://example.invalid/x", environ={"HTTP_PROXY": proxy.url})
        assert response.text() == "fine"
        assert len(proxy.requests) == 1
        with pytest.raises(HttpError, match="gaierror|Name or service not known|failed"):
            request(
                "GET",
                "http://example.invalid/x",
                seconds=3,
                environ={"HTTP_PROXY": proxy.url, "NO_PROXY": "example.invalid"},
            )
        assert len(proxy.requests) == 1


def test_loopback_never_goes_through_a_proxy() -> None:
    with serving({"/": ok}) as server:
        unreachable = "http://127.0.0.1:9"
        response = request(
            "GET",
            f"{server.url}/",
            environ={"HTTP_PROXY": unreachable, "HTTPS_PROXY": unreachable},
        )
    assert response.status == 200


@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def test_tls_with_a_private_ca_from_ssl_cert_file(
    certificate_authority: trustme.CA, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "ca.pem"
    certificate_authority.cert_pem.write_to_path(str(bundle))
    with serving({"/": ok}, tls=server_tls(certificate_authority)) as server:
        assert server.url.startswith("https://")
        with pytest.raises(HttpError, match="CERTIFICATE_VERIFY_FAILED") as info:
            request("GET", f"{server.url}/", seconds=3)
        # Not retried: the next attempt would meet the same certificate.
        assert "attempts" not in str(info.value)
        assert "SSL_CERT_FILE" in str(info.value)
        response = request("GET", f"{server.url}/", environ={"SSL_CERT_FILE": str(bundle)})
    assert response.text() == "fine"


def test_tls_context_is_built_once_per_ca_setting(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert tls_context(None, None) is tls_context(None, None)
    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))
    assert tls_context(str(bundle), None) is not tls_context(None, None)


def test_unreadable_ssl_cert_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HttpError, match="SSL_CERT_FILE"):
        request(
            "GET", "https://example.invalid/", environ={"SSL_CERT_FILE": str(tmp_path / "no.pem")}
        )


@pytest.mark.parametrize(
    "url", ["ftp://host/x", "file:///etc/passwd", "http://", "https://h:notaport/"]
)
def test_unsupported_urls(url: str) -> None:
    with pytest.raises(HttpError):
        request("GET", url)


def test_a_name_that_does_not_resolve_is_not_retried() -> None:
    with pytest.raises(HttpError, match="does not resolve") as info:
        request("GET", "https://name-that-does-not-exist.invalid/", seconds=10)
    assert "attempts" not in str(info.value)


def test_non_ascii_digits_in_numeric_headers_are_ignored() -> None:
    def odd(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: \xb2\r\nConnection: close\r\n\r\nok"
        )

    with raw_server(odd) as url:
        assert request("GET", url).body == b"ok"
