"""The one HTTP client every part of `id` uses.

Callers describe a request as a `Request`: method, URL, headers, body, the secrets it carries
(wherever they sit: a header, the body, the URL), whether it needs TLS, and its limits. The
client owns every rule that keeps a release job safe and moving, for every hop:

- the whole exchange (name resolution, connect, TLS, status line, headers, body) of each attempt
  ends within 10 s and within the detection's `Deadline`;
- connection errors, time-outs, 5xx and 429 are retried with exponential backoff and full jitter,
  honouring `Retry-After`, within the deadline; certificate and name-resolution errors and other
  4xx answers are not retried;
- the status line and headers are capped at `MAX_HEADER_BYTES`, the body at the request's
  `max_bytes`, while they are read;
- a request that carries a secret is never sent over plain HTTP except to loopback or the cloud
  metadata addresses (a name counts only if the address actually connected to is one of them),
  and never follows a redirect to another origin; a request that needs TLS (keys, discovery,
  sign-in) follows no hop off TLS;
- header values and URLs are checked before anything is sent;
- the secrets are redacted from every message the client writes, including quoted answers;
- `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` and `SSL_CERT_FILE`/`SSL_CERT_DIR` are honoured.

Only the standard library is used, imported when the first request is made.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from urllib.parse import unquote, urljoin, urlsplit

from . import _log
from ._deadline import Deadline
from ._errors import IdentityError
from ._redact import redact, register_forms, secret_forms, summarize
from ._values import header_value_problem, url_problem
from ._version import __version__

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

MAX_RESPONSE_BYTES = 1024 * 1024
#: The status line and headers of an answer (with any `100 Continue` before it), at most.
MAX_HEADER_BYTES = 64 * 1024
MAX_ATTEMPTS = 4
MAX_REDIRECTS = 3
BACKOFF_BASE = 0.25
BACKOFF_CAP = 4.0
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK = 64 * 1024
_HEADER_NAME = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
# Names of the cloud metadata servers, which every cloud SDK speaks to over plain HTTP. By name,
# they are trusted only when the address connected to is link-local (or loopback, for emulators).
_METADATA_NAMES = frozenset({"metadata.google.internal", "metadata"})
_METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254"})


class HttpError(IdentityError):
    """A request could not be completed: the message says why and never contains a secret.

    Callers that treat "unreachable" as "not here" (a metadata server that does not answer)
    catch `HttpUnreachableError`, never a refusal by policy or a TLS failure."""


class HttpPolicyError(HttpError):
    """`id` refused to send the request or to follow a hop: plain HTTP where TLS or a
    credential needs it, a redirect to another origin with a credential, an invalid URL or
    header, a peer address that does not fit its name."""


class HttpUnreachableError(HttpError):
    """No answer could be had: the connection was refused or reset, the name did not resolve,
    or the time ran out."""


class HttpTimeoutError(HttpUnreachableError):
    """The deadline or an attempt's time limit passed before a complete answer."""


class HttpTlsError(HttpError):
    """TLS failed: the certificate was refused, or the server does not speak TLS."""


class HttpAnswerError(HttpError):
    """An answer came, but is unusable: too large, headers too long, not UTF-8, not JSON."""


class SentOnceError(HttpError):
    """A single-use request may have reached the server, and its answer was lost: it is not
    sent again."""


def is_ascii_number(text: str) -> bool:
    """Whether `text` is a non-negative integer in ASCII digits.

    `str.isdigit` alone also accepts characters such as "²" or "➊", which `int()` refuses.
    """
    return text.isascii() and text.isdigit()


def _ip(host: str) -> Any:
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _is_loopback_name(host: str) -> bool:
    host = host.lower()
    return host == "localhost" or host.endswith(".localhost")


def is_loopback(host: str) -> bool:
    """Whether `host` is loopback: the one place plain HTTP is allowed for a request that needs
    TLS (keys, discovery, sign-in, an index). A name is checked again against the address
    connected to."""
    address = _ip(host)
    return _is_loopback_name(host) if address is None else bool(address.is_loopback)


def plain_http_allowed(host: str) -> bool:
    """Whether a secret may go to `host` over plain HTTP: loopback, or a cloud metadata server
    (which every cloud SDK speaks to over plain HTTP). A name is checked again against the
    address connected to."""
    address = _ip(host)
    if address is not None:
        return bool(address.is_loopback) or str(address) in _METADATA_ADDRESSES
    return _is_loopback_name(host) or host.lower() in _METADATA_NAMES


def _peer_allowed(host: str, peer: str) -> bool:
    """For a name `plain_http_allowed` trusted: whether the address connected to fits it."""
    address = _ip(peer)
    if address is None:
        return False
    if address.is_loopback:
        return True
    return host.lower() in _METADATA_NAMES and (
        bool(address.is_link_local) or str(address) in _METADATA_ADDRESSES
    )


def insecure_url_reason(url: str) -> str | None:
    """Why `url` cannot be trusted for keys, discovery or sign-in (None when it can): it must be
    https://, or http:// to loopback."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and is_loopback(parts.hostname or ""):
        return None
    return f"{_display(url)!r} must be an https:// URL (plain HTTP only on loopback)"


def _display(url: str) -> str:
    """The URL without its query, fragment or user info: enough to identify it in a message."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class Request:
    """What to send, and what it carries: an immutable description the client checks per hop.

    `secrets` are every credential the request holds, wherever (a header, the body, the URL):
    they make the plain-HTTP and redirect rules apply and are redacted from every message.
    `tls_required` (keys, discovery, sign-in) refuses plain HTTP except to loopback on every hop,
    secrets or not. `seconds` bounds this request more tightly than the detection's deadline.
    """

    __slots__ = (
        "body",
        "headers",
        "max_bytes",
        "method",
        "seconds",
        "secret_forms",
        "secrets",
        "single_use",
        "tls_required",
        "unix_socket",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        secrets: Iterable[str] = (),
        tls_required: bool = False,
        max_bytes: int = MAX_RESPONSE_BYTES,
        seconds: float | None = None,
        unix_socket: str | None = None,
        single_use: bool = False,
    ) -> None:
        self.method = method
        self.url = url
        self.headers: Mapping[str, str] = dict(headers or {})
        self.body = body
        self.secrets = tuple(secrets)
        self.secret_forms = secret_forms(self.secrets)
        register_forms(self.secret_forms)
        self.tls_required = tls_required
        self.max_bytes = max_bytes
        self.seconds = seconds
        #: Connect to this unix socket instead of the URL's host (Fly.io's `/.fly/api`); the URL
        #: still gives the request's path and Host.
        self.unix_socket = unix_socket
        #: The request carries a credential that can be used once (PyPI's mint-token): once it
        #: may have reached the server, it is never sent again, whatever happens.
        self.single_use = single_use

    def to(self, url: str, *, method: str | None = None, keep_body: bool = True) -> Request:
        """The same request sent to `url` (the next hop of a redirect)."""
        return Request(
            method or self.method,
            url,
            headers=self.headers,
            body=self.body if keep_body else None,
            secrets=self.secrets,
            tls_required=self.tls_required,
            max_bytes=self.max_bytes,
            seconds=self.seconds,
            unix_socket=self.unix_socket,
            single_use=self.single_use,
        )

    def redact(self, text: str) -> str:
        """`text` with this request's secrets (in every form) and anything token-like removed."""
        return redact(text, self.secret_forms, prepared=True)

    def __repr__(self) -> str:
        return f"Request({self.method} {_display(self.url)})"


class Response:
    """A complete HTTP response: status, lower-cased headers and the (size-capped) body."""

    __slots__ = ("body", "headers", "reason", "request", "status", "url")

    def __init__(
        self, request: Request, status: int, reason: str, headers: dict[str, str], body: bytes
    ) -> None:
        self.request = request
        self.url = request.url
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def _summary(self) -> str:
        return summarize(self.body, secrets=self.request.secret_forms, prepared=True)

    def text(self) -> str:
        """The body as UTF-8 text."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpAnswerError(
                f"{_display(self.url)} answered with a body that is not UTF-8"
            ) from None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object."""
        import json

        try:
            value = json.loads(self.text())
        except (ValueError, RecursionError):
            raise HttpAnswerError(
                f"{_display(self.url)} answered with a body that is not JSON: {self._summary()}"
            ) from None
        if not isinstance(value, dict):
            raise HttpAnswerError(
                f"{_display(self.url)} answered with JSON that is not an object: {self._summary()}"
            )
        return value

    def describe(self) -> str:
        """A one-line, secret-free account of this response for error messages."""
        detail = self._summary()
        reason = summarize(self.reason, secrets=self.request.secret_forms, prepared=True)
        return (
            f"HTTP {self.status}"
            + (f" {reason}" if reason else "")
            + (f": {detail}" if detail else "")
        )


def check(request: Request) -> None:
    """Refuse a request (or a hop of one) that breaks a rule; `HttpError` says which."""
    problem = url_problem(request.url)
    if problem is not None:
        raise HttpPolicyError(f"the URL {problem}: it cannot be requested")
    target = _Target(request.url)
    for name, value in request.headers.items():
        if not name or not set(name) <= _HEADER_NAME:
            raise HttpPolicyError(f"{name!r} is not a valid header name")
        problem = header_value_problem(value)
        if problem is not None:
            raise HttpPolicyError(f"the {name} header {problem}: it cannot be sent")
    if target.scheme != "http":
        return
    if request.tls_required and not is_loopback(target.host):
        raise HttpPolicyError(
            f"refusing {_display(request.url)}: it must be an https:// URL (plain HTTP only "
            "on loopback)"
        )
    if request.secrets and not plain_http_allowed(target.host):
        raise HttpPolicyError(
            f"refusing to send a credential over plain HTTP to {target.host}: use an "
            "https:// URL (plain HTTP is allowed only to loopback and the cloud metadata "
            "addresses)"
        )


def next_hop(request: Request, status: int, location: str) -> Request:
    """The request to send after a redirect answer, or `HttpError` when the hop is refused.

    A request with secrets never follows a redirect to another origin (scheme, host or port):
    it is refused, not stripped. 303, and 301/302 after a POST, become a GET without a body.
    """
    url = urljoin(request.url, location)
    to_get = status == 303 or (status in (301, 302) and request.method == "POST")
    hop = request.to(url, method="GET" if to_get else None, keep_body=not to_get)
    if request.secrets and _Target(url).origin != _Target(request.url).origin:
        raise HttpPolicyError(
            f"{_display(request.url)} redirected to {request.redact(_display(url))}: refusing "
            "to follow a redirect to another origin with a credential"
        )
    check(hop)
    return hop


class _Target:
    __slots__ = ("host", "path", "port", "scheme")

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpPolicyError(f"{_display(url)!r} is not an http:// or https:// URL")
        self.scheme = parts.scheme
        self.host = parts.hostname
        try:
            explicit_port = parts.port
        except ValueError:
            raise HttpPolicyError(f"{_display(url)!r} has an invalid port") from None
        self.port = explicit_port or (443 if parts.scheme == "https" else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


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
    if _ip(host) is not None:
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


class HttpClient:
    """Sends requests within one `Deadline`, reusing connections to the same origin."""

    def __init__(self, deadline: Deadline, environ: Mapping[str, str]) -> None:
        self._deadline = deadline
        self._environ = environ
        self._connections: dict[tuple[str, ...], http.client.HTTPConnection] = {}
        self._watchdog: _Watchdog | None = None
        # Whether the attempt under way has sent its request (a single-use one is not resent).
        self._sent = False

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every open connection."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def send(self, request: Request) -> Response:
        """Send `request`, following redirects as `next_hop` allows, and return the final
        response, whatever its status. Raises `HttpError` when no response could be had."""
        check(request)
        deadline = self._deadline
        if request.seconds is not None:
            deadline = deadline.within(request.seconds)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._with_retries(request, deadline)
            location = response.headers.get("location")
            if response.status not in _REDIRECT_STATUSES or location is None:
                return response
            hop = next_hop(request, response.status, location)
            _log.debug(
                "following redirect from %s to %s",
                _display(request.url),
                request.redact(_display(hop.url)),
            )
            request = hop
        raise HttpPolicyError(f"{_display(request.url)}: more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, request: Request, deadline: Deadline) -> Response:
        import random

        target = _Target(request.url)
        attempt = 0
        while True:
            attempt += 1
            failure: str
            retry_after: float | None = None
            self._sent = False
            try:
                response = self._once(request, target, deadline)
            except (OSError, http.client.HTTPException) as exc:
                self._drop(target, request)
                failure = request.redact(_describe_exception(exc))
                where = f"{request.method} {_display(request.url)}"
                if request.single_use and self._sent:
                    raise SentOnceError(
                        f"{where}: {failure}, after the request was sent. It is not sent again: "
                        "the credential it carries can be used only once, and the server may "
                        "have used it. Run the command again for a new one"
                    ) from None
                if not _transient(exc):
                    raise _error_class(exc)(f"{where}: {failure}") from None
            else:
                if response.status not in _RETRY_STATUSES or request.single_use:
                    return response
                failure = response.describe()
                retry_after = _parse_retry_after(response.headers.get("retry-after"))
                if attempt >= MAX_ATTEMPTS:
                    return response
            if attempt >= MAX_ATTEMPTS:
                raise HttpUnreachableError(
                    f"{request.method} {_display(request.url)} failed after {attempt} attempts: "
                    f"{failure}"
                )
            delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))  # noqa: S311 - jitter, not secrecy
            if retry_after is not None:
                delay = retry_after
            if delay >= deadline.remaining():
                why = f" (the server asked to retry after {retry_after:g} s)" if retry_after else ""
                raise HttpTimeoutError(
                    f"{request.method} {_display(request.url)} failed: {failure}; no time left "
                    f"within the {deadline.total:g} s deadline to retry{why}"
                )
            _log.debug(
                "%s %s: %s; retrying in %.2f s",
                request.method,
                _display(request.url),
                failure,
                delay,
            )
            time.sleep(delay)

    def _once(self, request: Request, target: _Target, deadline: Deadline) -> Response:
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
            self._sent = True
            raw = connection.getresponse()
            data = self._read_body(raw, request, connection, deadline)
            watchdog.check()
        except BaseException as exc:
            self._drop(target, request)
            if watchdog.fired and not isinstance(exc, HttpError):
                raise socket.timeout(
                    f"no complete answer within {limit:.3g} s (the attempt's time limit)"
                ) from None
            raise
        finally:
            watchdog.cancel()
            self._watchdog = None
        if raw.will_close:
            self._drop(target, request)
        headers = {k.lower(): v for k, v in raw.getheaders()}
        response = Response(request, raw.status, raw.reason, headers, data)
        _log.debug(
            "%s %s -> %d (%d bytes, %.0f ms)",
            request.method,
            _display(request.url),
            raw.status,
            len(data),
            (time.monotonic() - started) * 1000,
        )
        return response

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
                f"{_display(request.url)} announced a {int(length)}-byte response; "
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
                    f"{_display(request.url)} sent more than {limit} bytes; the rest was not read"
                )
            chunks.append(chunk)

    @staticmethod
    def _key(target: _Target, request: Request) -> tuple[str, ...]:
        return (request.unix_socket or "", *map(str, target.origin))

    def _drop(self, target: _Target, request: Request) -> None:
        connection = self._connections.pop(self._key(target, request), None)
        if connection is not None:
            connection.close()

    def _connection(
        self, target: _Target, request: Request, deadline: Deadline
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
        self, target: _Target | None, unix_socket: str | None = None
    ) -> Callable[..., socket.socket]:
        """`socket.create_connection`, with name resolution bounded in time, the socket handed to
        the attempt's watchdog, and, for plain HTTP to a trusted name, the peer checked; or a
        connection to `unix_socket`."""
        if unix_socket is not None:
            return self._unix_connector(unix_socket)
        check_peer = (
            target is not None
            and target.scheme == "http"
            and _ip(target.host) is None
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
                if check_peer and not _peer_allowed(host, sockaddr[0]):
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

    def _proxy_for(self, target: _Target) -> tuple[str, int, dict[str, str]] | None:
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
                f"not {_display(proxy_url)!r}"
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


def request_once(request: Request, environ: Mapping[str, str]) -> Response:
    """Send `request` on a client of its own, bounded by the deadline `ID_TIMEOUT` in `environ`
    sets, closed afterwards. Raises `HttpError` (or `AmbientCredentialError` for a bad
    `ID_TIMEOUT`)."""
    with HttpClient(Deadline.from_environ(environ), environ) as client:
        return client.send(request)


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


def _transient(exc: BaseException) -> bool:
    """Whether another attempt may succeed: not for a TLS failure (a refused certificate, a
    server that does not speak TLS) or a name that does not resolve, which the next attempt
    would meet again."""
    return not isinstance(exc, (ssl.SSLError, socket.gaierror))


def _error_class(exc: BaseException) -> type[HttpError]:
    if isinstance(exc, ssl.SSLError):
        return HttpTlsError
    if isinstance(exc, socket.timeout):
        return HttpTimeoutError
    return HttpUnreachableError


def _describe_exception(exc: BaseException) -> str:  # noqa: PLR0911 - one answer per kind
    if isinstance(exc, HttpError):
        return str(exc)
    if isinstance(exc, socket.timeout):
        return f"timed out ({exc})" if str(exc) and str(exc) != "timed out" else "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"the server's TLS certificate was refused ({exc}): trust its CA with "
            "SSL_CERT_FILE if it is a private one"
        )
    if isinstance(exc, ssl.SSLError):
        if "WRONG_VERSION_NUMBER" in str(exc) or "record layer failure" in str(exc):
            return (
                f"TLS error: {exc}; the server answers plain HTTP, not TLS (an http:// URL "
                "is used only on loopback)"
            )
        return f"TLS error: {exc}"
    if isinstance(exc, socket.gaierror):
        return f"the name does not resolve ({exc.strerror or exc}): check the URL and the DNS"
    text = summarize(str(exc))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if is_ascii_number(value):
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())
