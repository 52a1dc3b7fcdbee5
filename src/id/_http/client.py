"""The client: redirects as the policy allows, retries with backoff within one deadline, and
what the transport's failures mean."""

from __future__ import annotations

import http.client
import time
from collections.abc import Mapping

from .. import _log
from .._deadline import Deadline
from .._values import is_ascii_number
from .errors import (
    HttpPolicyError,
    HttpTimeoutError,
    HttpUnreachableError,
    SentOnceError,
    describe_exception,
    error_class,
    transient,
)
from .models import Request, Response, display
from .policy import Target, check, next_hop
from .transport import Transport

MAX_ATTEMPTS = 4
MAX_REDIRECTS = 3
BACKOFF_BASE = 0.25
BACKOFF_CAP = 4.0
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class HttpClient:
    """Sends requests within one `Deadline`, reusing connections to the same origin."""

    def __init__(self, deadline: Deadline, environ: Mapping[str, str]) -> None:
        self._deadline = deadline
        self._transport = Transport(deadline, environ)

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every open connection."""
        self._transport.close()

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
                display(request.url),
                request.redact(display(hop.url)),
            )
            request = hop
        raise HttpPolicyError(f"{display(request.url)}: more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, request: Request, deadline: Deadline) -> Response:
        import random

        target = Target(request.url)
        attempt = 0
        while True:
            attempt += 1
            failure: str
            retry_after: float | None = None
            self._transport.sent = False
            try:
                response = self._transport.once(request, target, deadline)
            except (OSError, http.client.HTTPException) as exc:
                self._transport.drop(target, request)
                failure = request.redact(describe_exception(exc))
                where = f"{request.method} {display(request.url)}"
                if request.single_use and self._transport.sent:
                    raise SentOnceError(
                        f"{where}: {failure}, after the request was sent. It is not sent again: "
                        "the credential it carries can be used only once, and the server may "
                        "have used it. Run the command again for a new one"
                    ) from None
                if not transient(exc):
                    raise error_class(exc)(f"{where}: {failure}") from None
            else:
                if response.status not in _RETRY_STATUSES or request.single_use:
                    return response
                failure = response.describe()
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if attempt >= MAX_ATTEMPTS:
                    return response
            if attempt >= MAX_ATTEMPTS:
                raise HttpUnreachableError(
                    f"{request.method} {display(request.url)} failed after {attempt} attempts: "
                    f"{failure}"
                )
            delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))  # noqa: S311 - jitter, not secrecy
            if retry_after is not None:
                delay = retry_after
            if delay >= deadline.remaining():
                why = f" (the server asked to retry after {retry_after:g} s)" if retry_after else ""
                raise HttpTimeoutError(
                    f"{request.method} {display(request.url)} failed: {failure}; no time left "
                    f"within the {deadline.total:g} s deadline to retry{why}"
                )
            _log.debug(
                "%s %s: %s; retrying in %.2f s",
                request.method,
                display(request.url),
                failure,
                delay,
            )
            time.sleep(delay)


def request_once(request: Request, environ: Mapping[str, str]) -> Response:
    """Send `request` on a client of its own, bounded by the deadline `ID_TIMEOUT` in `environ`
    sets, closed afterwards. Raises `HttpError` (or `AmbientCredentialError` for a bad
    `ID_TIMEOUT`)."""
    with HttpClient(Deadline.from_environ(environ), environ) as client:
        return client.send(request)


def parse_retry_after(value: str | None) -> float | None:
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
