"""What a request is and what came back: `Request` (method, URL, headers, body, the secrets it
carries, its limits) and `Response` (status, headers, the size-capped body)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from .._redact import redact, register_forms, secret_forms, summarize
from .errors import HttpAnswerError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

MAX_RESPONSE_BYTES = 1024 * 1024


def display(url: str) -> str:
    """The URL without its query, fragment or user info: enough to identify it in a message."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class Request:
    """What to send, and what it carries: a description the client checks on every hop (a
    redirect's hop is a copy, `to()`; nothing changes a request once made).

    `secrets` are every credential the request holds, wherever (a header, the body, the URL):
    they are registered for redaction when the request is made, make the plain-HTTP and redirect
    rules apply, and are redacted from every message. `tls_required` (keys, discovery, sign-in)
    refuses plain HTTP except to loopback on every hop, secrets or not. `seconds` bounds this
    request more tightly than the command's deadline. `single_use`: the request is never sent
    again once it may have reached the server. `unix_socket`: connect there instead of the URL's
    host (Fly.io's API).
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
        import copy

        hop = copy.copy(self)  # its secrets' forms, registered already, come along
        hop.url = url
        hop.method = method or self.method
        if not keep_body:
            hop.body = None
        return hop

    def redact(self, text: str) -> str:
        """`text` with this request's secrets (in every form) and anything token-like removed."""
        return redact(text, self.secret_forms, prepared=True)

    def __repr__(self) -> str:
        return f"Request({self.method} {display(self.url)})"


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
                f"{display(self.url)} answered with a body that is not UTF-8"
            ) from None

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object."""
        import json

        try:
            value = json.loads(self.text())
        except (ValueError, RecursionError):
            raise HttpAnswerError(
                f"{display(self.url)} answered with a body that is not JSON: {self._summary()}"
            ) from None
        if not isinstance(value, dict):
            raise HttpAnswerError(
                f"{display(self.url)} answered with JSON that is not an object: {self._summary()}"
            )
        return value

    def string_field(self, path: str, *, strict: bool = False) -> str | None:
        """The non-empty string at `path` (dotted: `auth.client_token`) of a JSON object body;
        None when the body has no such string, or is not a JSON object (with `strict`, that is
        an `HttpError` saying so). The one place answers' fields are read."""
        from .._errors import IdentityError

        try:
            value: Any = self.json_object()
        except IdentityError:
            if strict:
                raise
            return None
        for name in path.split("."):
            value = value.get(name) if isinstance(value, dict) else None
        return value if isinstance(value, str) and value else None

    def describe(self) -> str:
        """A one-line, secret-free account of this response for error messages."""
        detail = self._summary()
        reason = summarize(self.reason, secrets=self.request.secret_forms, prepared=True)
        return (
            f"HTTP {self.status}"
            + (f" {reason}" if reason else "")
            + (f": {detail}" if detail else "")
        )
