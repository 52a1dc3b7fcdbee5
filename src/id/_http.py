"""The one HTTP client every provider uses.

It owns the rules that keep a release job safe and moving:

- every connect and read is bounded by the detection's `Deadline` (and by 10 s per attempt);
- connection errors, timeouts, 5xx and 429 are retried with exponential backoff and full jitter,
  honouring `Retry-After`, within the deadline; other 4xx answers are returned at once;
- a response body larger than `MAX_RESPONSE_BYTES` is refused while it is being read;
- credential headers are never sent over plain HTTP except to loopback or the link-local cloud
  metadata addresses, never follow a redirect to another origin, and never appear in logs;
- `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` and `SSL_CERT_FILE`/`SSL_CERT_DIR` are honoured.

Only the standard library is used, imported when the first request is made.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Mapping
from urllib.parse import unquote, urljoin, urlsplit

from . import _log
from ._deadline import Deadline
from ._errors import IdentityError
from ._redact import secret_parts, summarize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_RESPONSE_BYTES = 1024 * 1024
MAX_ATTEMPTS = 4
MAX_REDIRECTS = 3
BACKOFF_BASE = 0.25
BACKOFF_CAP = 4.0
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK = 64 * 1024
# Hosts a credential may reach over plain HTTP: this machine, and the cloud metadata servers, which
# are link-local and are only spoken to over HTTP by every cloud SDK.
_METADATA_HOSTS = frozenset(
    {"169.254.169.254", "fd00:ec2::254", "metadata.google.internal", "metadata"}
)


class HttpError(IdentityError):
    """A request could not be completed: the message says why and never contains a credential."""


def is_ascii_number(text: str) -> bool:
    """Whether `text` is a non-negative integer in ASCII digits.

    `str.isdigit` alone also accepts characters such as "²" or "➊", which `int()` refuses.
    """
    return text.isascii() and text.isdigit()


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine."""
    import ipaddress

    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_url_reason(url: str) -> str | None:
    """Why `url` cannot be trusted for keys, discovery or sign-in (None when it can): it must be
    https://, or http:// to loopback."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and is_loopback(parts.hostname or ""):
        return None
    return f"{url!r} must be an https:// URL (plain HTTP only on loopback)"


def may_carry_credential_over_http(host: str) -> bool:
    """Whether a credential may be sent to `host` without TLS."""
    return is_loopback(host) or host.strip("[]").lower() in _METADATA_HOSTS


class Response:
    """A complete HTTP response: status, lower-cased headers and the (size-capped) body."""

    __slots__ = ("_secrets", "body", "headers", "reason", "status", "url")

    def __init__(
        self,
        url: str,
        status: int,
        reason: str,
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        self.url = url
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        # The credentials sent with the request (set by HttpClient.request): a server that
        # echoes them back must not make them leak into error messages.
        self._secrets: tuple[str, ...] = ()

    def _summary(self) -> str:
        return summarize(self.body, secrets=self._secrets)

    def text(self) -> str:
        """The body as UTF-8 text."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(
                f"{_display(self.url)} answered with a body that is not UTF-8"
            ) from None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object."""
        import json

        try:
            value = json.loads(self.text())
        except ValueError:
            raise HttpError(
                f"{_display(self.url)} answered with a body that is not JSON: {self._summary()}"
            ) from None
        if not isinstance(value, dict):
            raise HttpError(
                f"{_display(self.url)} answered with JSON that is not an object: {self._summary()}"
            )
        return value

    def describe(self) -> str:
        """A one-line, credential-free account of this response for error messages."""
        detail = self._summary()
        reason = f" {self.reason}" if self.reason else ""
        return f"HTTP {self.status}{reason}" + (f": {detail}" if detail else "")


def _display(url: str) -> str:
    """The URL without its query, fragment or user info: enough to identify it in a message."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class _Target:
    __slots__ = ("host", "path", "port", "scheme")

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpError(f"{_display(url)!r} is not an http:// or https:// URL")
        self.scheme = parts.scheme
        self.host = parts.hostname
        try:
            explicit_port = parts.port
        except ValueError:
            raise HttpError(f"{_display(url)!r} has an invalid port") from None
        self.port = explicit_port or (443 if parts.scheme == "https" else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


class HttpClient:
    """Makes requests within one `Deadline`, reusing connections to the same origin."""

    def __init__(self, deadline: Deadline, environ: Mapping[str, str]) -> None:
        self._deadline = deadline
        self._environ = environ
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every open connection."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        credential_headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> Response:
        """Send a request and return the final response, whatever its status.

        `credential_headers` carry secrets: they obey the plain-HTTP and redirect rules and are
        never logged. Raises `HttpError` when no response could be had within the deadline.
        """
        credentials = dict(credential_headers or {})
        for _ in range(MAX_REDIRECTS + 1):
            target = _Target(url)
            if (
                credentials
                and target.scheme == "http"
                and not may_carry_credential_over_http(target.host)
            ):
                raise HttpError(
                    f"refusing to send a credential over plain HTTP to {target.host}: "
                    "use an https:// URL (plain HTTP is allowed only to loopback and "
                    "the cloud metadata addresses)"
                )
            all_headers = {"User-Agent": _user_agent(), **(headers or {}), **credentials}
            response = self._with_retries(method, url, target, all_headers, body)
            response._secrets = tuple(p for v in credentials.values() for p in secret_parts(v))
            if response.status not in _REDIRECT_STATUSES or "location" not in response.headers:
                return response
            next_url = urljoin(url, response.headers["location"])
            next_target = _Target(next_url)
            if credentials and next_target.origin != target.origin:
                raise HttpError(
                    f"{_display(url)} redirected to {_display(next_url)}: refusing to follow "
                    "a redirect to another origin with a credential"
                )
            _log.debug("following redirect from %s to %s", _display(url), _display(next_url))
            if response.status == 303:
                method, body = "GET", None
            url = next_url
        raise HttpError(f"{_display(url)}: more than {MAX_REDIRECTS} redirects")

    def _with_retries(
        self,
        method: str,
        url: str,
        target: _Target,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Response:
        import random

        attempt = 0
        while True:
            attempt += 1
            failure: str
            retry_after: float | None = None
            try:
                response = self._once(method, url, target, headers, body)
            except (OSError, http.client.HTTPException) as exc:
                self._drop(target)
                failure = _describe_exception(exc)
            else:
                if response.status not in _RETRY_STATUSES:
                    return response
                failure = response.describe()
                retry_after = _parse_retry_after(response.headers.get("retry-after"))
                if attempt >= MAX_ATTEMPTS:
                    return response
            if attempt >= MAX_ATTEMPTS:
                raise HttpError(
                    f"{method} {_display(url)} failed after {attempt} attempts: {failure}"
                )
            delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))  # noqa: S311 - jitter, not secrecy
            if retry_after is not None:
                delay = retry_after
            if delay >= self._deadline.remaining():
                why = f" (the server asked to retry after {retry_after:g} s)" if retry_after else ""
                raise HttpError(
                    f"{method} {_display(url)} failed: {failure}; no time left within the "
                    f"{self._deadline.total:g} s deadline to retry{why}"
                )
            _log.debug("%s %s: %s; retrying in %.2f s", method, _display(url), failure, delay)
            time.sleep(delay)

    def _once(
        self,
        method: str,
        url: str,
        target: _Target,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Response:
        if self._deadline.expired():
            raise socket.timeout(f"the {self._deadline.total:g} s deadline passed")
        started = time.monotonic()
        connection, request_target = self._connection(target, url)
        connection.timeout = self._deadline.attempt_timeout()
        if connection.sock is not None:
            connection.sock.settimeout(connection.timeout)
        connection.request(method, request_target, body=body, headers=dict(headers))
        raw = connection.getresponse()
        try:
            data = self._read_body(raw, url, connection)
        except BaseException:
            self._drop(target)
            raise
        if raw.will_close:
            self._drop(target)
        response = Response(
            url, raw.status, raw.reason, {k.lower(): v for k, v in raw.getheaders()}, data
        )
        _log.debug(
            "%s %s -> %d (%d bytes, %.0f ms)",
            method,
            _display(url),
            raw.status,
            len(data),
            (time.monotonic() - started) * 1000,
        )
        return response

    def _read_body(
        self, raw: http.client.HTTPResponse, url: str, connection: http.client.HTTPConnection
    ) -> bytes:
        length = raw.getheader("content-length")
        if length is not None and is_ascii_number(length) and int(length) > MAX_RESPONSE_BYTES:
            raise HttpError(
                f"{_display(url)} announced a {int(length)}-byte response; "
                f"more than {MAX_RESPONSE_BYTES} is refused"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            if self._deadline.expired():
                raise socket.timeout(
                    f"the {self._deadline.total:g} s deadline passed while reading the body"
                )
            if connection.sock is not None:
                connection.sock.settimeout(self._deadline.attempt_timeout())
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
            if size > MAX_RESPONSE_BYTES:
                raise HttpError(
                    f"{_display(url)} sent more than {MAX_RESPONSE_BYTES} bytes; the rest was "
                    "not read"
                )
            chunks.append(chunk)

    def _drop(self, target: _Target) -> None:
        connection = self._connections.pop(target.origin, None)
        if connection is not None:
            connection.close()

    def _connection(self, target: _Target, url: str) -> tuple[http.client.HTTPConnection, str]:
        """A connection for `target` and the request target to send on it."""
        proxy = self._proxy_for(target)
        existing = self._connections.get(target.origin)
        request_target = url if proxy is not None and target.scheme == "http" else target.path
        if existing is not None:
            return existing, request_target
        timeout = self._deadline.attempt_timeout()
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
        self._connections[target.origin] = connection
        return connection, request_target

    def _proxy_for(self, target: _Target) -> tuple[str, int, dict[str, str]] | None:
        if may_carry_credential_over_http(target.host):
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
            raise HttpError(
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


def request_once(
    method: str,
    url: str,
    environ: Mapping[str, str],
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
) -> Response:
    """One request, bounded by the deadline `ID_TIMEOUT` in `environ` sets, on a client closed
    afterwards. Raises `HttpError` (or `AmbientCredentialError` for a bad `ID_TIMEOUT`)."""
    with HttpClient(Deadline.from_environ(environ), environ) as http:
        return http.request(method, url, headers=headers, body=body)


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


def _describe_exception(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        return str(exc)
    if isinstance(exc, socket.timeout):
        return f"timed out ({exc})" if str(exc) and str(exc) != "timed out" else "timed out"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    value = value.strip()
    if is_ascii_number(value):
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _user_agent() -> str:
    from . import __version__

    return f"id/{__version__}"
