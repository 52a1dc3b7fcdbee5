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

Only the standard library is used, imported when the first request is made. The package has
one module per layer: `policy` (which URLs and hops are allowed: pure functions), `models`
(`Request`, `Response`), `transport` (sockets, TLS, proxies, unix sockets, one bounded attempt),
`client` (redirects, retries, the deadline) and `errors` (what callers catch: a refusal by policy
is never an "unreachable").
"""

from __future__ import annotations

from .._values import is_ascii_number
from .client import MAX_ATTEMPTS, MAX_REDIRECTS, HttpClient, request_once
from .errors import (
    HttpAnswerError,
    HttpError,
    HttpPolicyError,
    HttpTimeoutError,
    HttpTlsError,
    HttpUnreachableError,
    SentOnceError,
)
from .models import MAX_RESPONSE_BYTES, Request, Response
from .policy import check, insecure_url_reason, is_loopback, next_hop, plain_http_allowed
from .transport import MAX_HEADER_BYTES, tls_context

__all__ = [
    "MAX_ATTEMPTS",
    "MAX_HEADER_BYTES",
    "MAX_REDIRECTS",
    "MAX_RESPONSE_BYTES",
    "HttpAnswerError",
    "HttpClient",
    "HttpError",
    "HttpPolicyError",
    "HttpTimeoutError",
    "HttpTlsError",
    "HttpUnreachableError",
    "Request",
    "Response",
    "SentOnceError",
    "check",
    "insecure_url_reason",
    "is_ascii_number",
    "is_loopback",
    "next_hop",
    "plain_http_allowed",
    "request_once",
    "tls_context",
]
