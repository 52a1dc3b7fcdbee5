"""Sockets, TLS, proxies and unix sockets: one attempt at one request, bounded in time (a
watchdog per attempt) and size (capped status line, headers and body), on connections kept per
origin."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from .. import _log
from .._deadline import Deadline
from .._values import is_ascii_number
from .._version import __version__
from .errors import HttpAnswerError, HttpError, HttpPolicyError
from .models import Request, Response, display
from .policy import Target, ip_of, peer_allowed, plain_http_allowed

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: The status line and headers of an answer (with any `100 Continue` before it), at most.
MAX_HEADER_BYTES = 64 * 1024
_READ_CHUNK = 64 * 1024


class _HeadLimit:
    """A response's file, refusing more than `MAX_HEADER_BYTES` of lines before the body."""

    def __init__(self, fp: Any) -> None:
        self._fp = fp
        self.left: int | None = MAX_HEADER_BYTES

    def readline(self, size: int = -1) -> bytes:
        line: bytes = self._fp.readline(size)
        if self.left is not None:
            self.left -= len(line)
            if self.left < 0:
                raise HttpAnswerError(
                    f"the answer's status line and headers are longer than {MAX_HEADER_BYTES} "
                    "bytes; refused"
                )
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fp, name)


class _CappedResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = _HeadLimit(self.fp)  # type: ignore[assignment]

    def begin(self) -> None:
        super().begin()
        if isinstance(self.fp, _HeadLimit):
            self.fp.left = None  # the body is capped while it is read


class _Watchdog:
    """Ends one attempt at its time limit, whatever the socket is waiting for: it shuts the
    socket down, so a server that drips a byte at a time cannot hold the client."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self.connection: http.client.HTTPConnection | None = None
        # Sockets made while connecting, before the connection holds one.
        self.sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        sockets = list(self.sockets)
        if self.connection is not None and self.connection.sock is not None:
            sockets.append(self.connection.sock)
        for sock in sockets:
            # On the plain socket under any TLS wrapper: ends a read in progress.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def check(self) -> None:
        """Raise a time-out if the watchdog fired: a socket shut down mid-line can read as a
        clean end (a chunk size of "0"), so what was read is not to be trusted."""
        if self.fired:
            raise socket.timeout("the attempt's time limit passed")

    def cancel(self) -> None:
        self._timer.cancel()


class _UnixSocket(socket.socket):
    """A unix socket that lets http.client set TCP_NODELAY, which it sets on every connection and
    which a unix socket refuses (EOPNOTSUPP) where http.client expects only ENOPROTOOPT."""

    def setsockopt(self, level: int, option: int, value: Any, *rest: Any) -> None:
        if level == socket.IPPROTO_TCP:
            return
        super().setsockopt(level, option, value, *rest)


def _resolve(host: str, port: int, seconds: float) -> list[Any]:
    """`getaddrinfo`, bounded in time: it cannot be interrupted, so it runs in a thread."""
    if ip_of(host) is not None:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    outcome: list[Any] = []

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise socket.timeout(f"resolving {host} took longer than {seconds:.3g} s")
    if isinstance(outcome[0], OSError):
        raise outcome[0]
    return list(outcome[0])


class Transport:
    """Connections per origin (or unix socket), and one attempt at a time on them."""

    def __init__(self, deadline: Deadline, environ: Mapping[str, str]) -> None:
        self._deadline = deadline
        self._environ = environ
        self._connections: dict[tuple[str, ...], http.client.HTTPConnection] = {}
        self._watchdog: _Watchdog | None = None
        #: Whether the attempt under way has sent its request (a single-use one is not resent).
        self.sent = False

    def close(self) -> None:
        """Close every open connection."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def once(self, request: Request, target: Target, deadline: Deadline) -> Response:
        if deadline.expired():
            raise socket.timeout(f"the {deadline.total:g} s deadline passed")
        started = time.monotonic()
        limit = deadline.attempt_timeout()
        watchdog = self._watchdog = _Watchdog(limit)
        try:
            connection, request_target = self._connection(target, request, deadline)
            watchdog.connection = connection
            if connection.sock is not None:
                connection.sock.settimeout(limit)
            connection.timeout = limit
            connection.request(
                request.method, request_target, body=request.body, headers=self._headers(request)
            )
            self.sent = True
            raw = connection.getresponse()
            data = self._read_body(raw, request, connection, deadline)
            watchdog.check()
        except BaseException as exc:
            self.drop(target, request)
            if watchdog.fired and not isinstance(exc, HttpError):
                raise socket.timeout(
                    f"no complete answer within {limit:.3g} s (the attempt's time limit)"
                ) from None
            raise
        finally:
            watchdog.cancel()
            self._watchdog = None
        if raw.will_close:
            self.drop(target, request)
        headers = {k.lower(): v for k, v in raw.getheaders()}
        response = Response(request, raw.status, raw.reason, headers, data)
        _log.debug(
            "%s %s -> %d (%d bytes, %.0f ms)",
            request.method,
            display(request.url),
            raw.status,
            len(data),
            (time.monotonic() - started) * 1000,
        )
        return response

    def drop(self, target: Target, request: Request) -> None:
        connection = self._connections.pop(self._key(target, request), None)
        if connection is not None:
            connection.close()

    @staticmethod
    def _headers(request: Request) -> dict[str, str]:
        return {"User-Agent": f"id/{__version__}", **request.headers}

    def _read_body(
        self,
        raw: http.client.HTTPResponse,
        request: Request,
        connection: http.client.HTTPConnection,
        deadline: Deadline,
    ) -> bytes:
        limit = request.max_bytes
        length = raw.getheader("content-length")
        if length is not None and is_ascii_number(length) and int(length) > limit:
            raise HttpAnswerError(
                f"{display(request.url)} announced a {int(length)}-byte response; "
                f"more than {limit} is refused"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            if deadline.expired():
                raise socket.timeout(
                    f"the {deadline.total:g} s deadline passed while reading the body"
                )
            if connection.sock is not None:
                connection.sock.settimeout(deadline.attempt_timeout())
            chunk = raw.read1(_READ_CHUNK)
            if not chunk:
                if raw.length:
                    # read1 reports a connection closed early as the end of the body.
                    raise http.client.IncompleteRead(b"".join(chunks), raw.length)
                # read1 leaves a fully read response open, and the connection then refuses its
                # next request: close the response so the connection can be reused.
                raw.close()
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise HttpAnswerError(
                    f"{display(request.url)} sent more than {limit} bytes; the rest was not read"
                )
            chunks.append(chunk)

    @staticmethod
    def _key(target: Target, request: Request) -> tuple[str, ...]:
        return (request.unix_socket or "", *map(str, target.origin))

    def _connection(
        self, target: Target, request: Request, deadline: Deadline
    ) -> tuple[http.client.HTTPConnection, str]:
        """A connection for `target` and the request target to send on it."""
        proxy = None if request.unix_socket else self._proxy_for(target)
        existing = self._connections.get(self._key(target, request))
        request_target = (
            request.url if proxy is not None and target.scheme == "http" else target.path
        )
        if existing is not None:
            return existing, request_target
        timeout = deadline.attempt_timeout()
        connection: http.client.HTTPConnection
        if proxy is None:
            if target.scheme == "https":
                connection = http.client.HTTPSConnection(
                    target.host, target.port, timeout=timeout, context=self._tls()
                )
            else:
                connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
        else:
            proxy_host, proxy_port, proxy_headers = proxy
            _log.debug("using proxy %s:%d for %s", proxy_host, proxy_port, target.host)
            if target.scheme == "https":
                connection = http.client.HTTPSConnection(
                    proxy_host, proxy_port, timeout=timeout, context=self._tls()
                )
                connection.set_tunnel(target.host, target.port, headers=proxy_headers)
            else:
                connection = http.client.HTTPConnection(proxy_host, proxy_port, timeout=timeout)
        connection.response_class = _CappedResponse
        # Not in typeshed, but the documented-in-source hook every HTTPConnection connects by.
        connection._create_connection = self._connector(  # type: ignore[attr-defined]
            target if proxy is None else None, request.unix_socket
        )
        self._connections[self._key(target, request)] = connection
        return connection, request_target

    def _connector(
        self, target: Target | None, unix_socket: str | None = None
    ) -> Callable[..., socket.socket]:
        """`socket.create_connection`, with name resolution bounded in time, the socket handed to
        the attempt's watchdog, and, for plain HTTP to a trusted name, the peer checked; or a
        connection to `unix_socket`."""
        if unix_socket is not None:
            return self._unix_connector(unix_socket)
        check_peer = (
            target is not None
            and target.scheme == "http"
            and ip_of(target.host) is None
            and plain_http_allowed(target.host)
        )

        def connect(
            address: tuple[str, int], timeout: float | None = None, source_address: Any = None
        ) -> socket.socket:
            host, port = address
            seconds = timeout if timeout is not None else self._deadline.attempt_timeout()
            error: OSError | None = None
            for family, kind, proto, _, sockaddr in _resolve(host, port, seconds):
                sock = socket.socket(family, kind, proto)
                if self._watchdog is not None:
                    self._watchdog.sockets.append(sock)
                sock.settimeout(seconds)
                try:
                    sock.connect(sockaddr)
                except OSError as exc:
                    sock.close()
                    error = exc
                    continue
                if check_peer and not peer_allowed(host, sockaddr[0]):
                    sock.close()
                    raise HttpPolicyError(
                        f"{host} resolved to {sockaddr[0]}, which is not a loopback or metadata "
                        "address: refusing plain HTTP to it"
                    )
                return sock
            raise error or OSError(f"no address for {host}")

        return connect

    def _unix_connector(self, path: str) -> Callable[..., socket.socket]:
        def connect(
            address: tuple[str, int], timeout: float | None = None, source_address: Any = None
        ) -> socket.socket:
            sock = _UnixSocket(socket.AF_UNIX, socket.SOCK_STREAM)
            if self._watchdog is not None:
                self._watchdog.sockets.append(sock)
            sock.settimeout(timeout if timeout is not None else self._deadline.attempt_timeout())
            try:
                sock.connect(path)
            except OSError:
                sock.close()
                raise
            return sock

        return connect

    def _proxy_for(self, target: Target) -> tuple[str, int, dict[str, str]] | None:
        if plain_http_allowed(target.host):
            return None
        proxy_url = ""
        for name in (f"{target.scheme}_proxy", f"{target.scheme.upper()}_PROXY"):
            proxy_url = proxy_url or self._environ.get(name, "")
        if not proxy_url:
            return None
        no_proxy = self._environ.get("no_proxy") or self._environ.get("NO_PROXY") or ""
        if no_proxy:
            import urllib.request

            # Not in typeshed, but public and documented since Python 3.0.
            bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
            if bypass(f"{target.host}:{target.port}", {"no": no_proxy}):
                return None
        if "://" not in proxy_url:
            proxy_url = f"http://{proxy_url}"
        parts = urlsplit(proxy_url)
        if parts.scheme != "http" or not parts.hostname:
            raise HttpPolicyError(
                f"the proxy for {target.scheme} requests must be an http:// URL, "
                f"not {display(proxy_url)!r}"
            )
        headers: dict[str, str] = {}
        if parts.username is not None:
            import base64

            userinfo = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Proxy-Authorization"] = "Basic " + base64.b64encode(userinfo.encode()).decode(
                "ascii"
            )
        return parts.hostname, parts.port or 80, headers

    def _tls(self) -> ssl.SSLContext:
        return tls_context(
            self._environ.get("SSL_CERT_FILE") or None, self._environ.get("SSL_CERT_DIR") or None
        )


_TLS_CONTEXTS: dict[tuple[str | None, str | None], ssl.SSLContext] = {}


def tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """The client TLS context trusting `cafile`/`capath` (default: the system's CAs).

    Loading a CA store takes milliseconds, so contexts are kept for the life of the process and
    shared by every detection; they are never changed after creation.
    """
    key = (cafile, capath)
    context = _TLS_CONTEXTS.get(key)
    if context is None:
        try:
            context = ssl.create_default_context(cafile=cafile, capath=capath)
        except (OSError, ssl.SSLError) as exc:
            raise HttpError(
                f"cannot load the CA certificates named by SSL_CERT_FILE/SSL_CERT_DIR: {exc}"
            ) from None
        _TLS_CONTEXTS[key] = context
    return context
