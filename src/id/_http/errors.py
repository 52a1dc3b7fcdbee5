"""The HTTP client's errors: what callers catch by the kind of failure they mean."""

from __future__ import annotations

from .._errors import IdentityError


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
