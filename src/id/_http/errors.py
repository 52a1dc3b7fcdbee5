"""The HTTP client's errors, what callers catch by the kind of failure they mean, and what
the transport's failures (socket, TLS, name resolution) mean: which kind, whether another
attempt may succeed, and how to say it."""

from __future__ import annotations

import socket
import ssl

from .._errors import IdentityError
from .._redact import summarize


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


def transient(exc: BaseException) -> bool:
    """Whether another attempt may succeed: not for a TLS failure (a refused certificate, a
    server that does not speak TLS) or a name that does not resolve, which the next attempt
    would meet again."""
    return not isinstance(exc, (ssl.SSLError, socket.gaierror))


def error_class(exc: BaseException) -> type[HttpError]:
    if isinstance(exc, ssl.SSLError):
        return HttpTlsError
    if isinstance(exc, socket.timeout):
        return HttpTimeoutError
    return HttpUnreachableError


def describe_exception(exc: BaseException) -> str:  # noqa: PLR0911 - one answer per kind
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
