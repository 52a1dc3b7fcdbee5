"""Which requests and hops are allowed: pure functions of URLs, hosts and addresses, with no
sockets. The rules of every hop: HTTPS except loopback (and, for a request carrying a secret for
a metadata server, the metadata addresses), no credential to another origin, valid header names
and values, valid URLs."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from .._values import header_value_problem, url_problem
from .errors import HttpPolicyError
from .models import Request, display

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_HEADER_NAME = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
# Names of the cloud metadata servers, which every cloud SDK speaks to over plain HTTP. By name,
# they are trusted only when the address connected to is link-local (or loopback, for emulators).
_METADATA_NAMES = frozenset({"metadata.google.internal", "metadata"})
_METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254"})


def ip_of(host: str) -> Any:
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
    address = ip_of(host)
    return _is_loopback_name(host) if address is None else bool(address.is_loopback)


def plain_http_allowed(host: str) -> bool:
    """Whether a secret may go to `host` over plain HTTP: loopback, or a cloud metadata server
    (which every cloud SDK speaks to over plain HTTP). A name is checked again against the
    address connected to."""
    address = ip_of(host)
    if address is not None:
        return bool(address.is_loopback) or str(address) in _METADATA_ADDRESSES
    return _is_loopback_name(host) or host.lower() in _METADATA_NAMES


def peer_allowed(host: str, peer: str) -> bool:
    """For a name `plain_http_allowed` trusted: whether the address connected to fits it."""
    address = ip_of(peer)
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
    return f"{display(url)!r} must be an https:// URL (plain HTTP only on loopback)"


class Target:
    __slots__ = ("host", "path", "port", "scheme")

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HttpPolicyError(f"{display(url)!r} is not an http:// or https:// URL")
        self.scheme = parts.scheme
        self.host = parts.hostname
        try:
            explicit_port = parts.port
        except ValueError:
            raise HttpPolicyError(f"{display(url)!r} has an invalid port") from None
        self.port = explicit_port or (443 if parts.scheme == "https" else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


def check(request: Request) -> None:
    """Refuse a request (or a hop of one) that breaks a rule; `HttpError` says which."""
    problem = url_problem(request.url)
    if problem is not None:
        raise HttpPolicyError(f"the URL {problem}: it cannot be requested")
    target = Target(request.url)
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
            f"refusing {display(request.url)}: it must be an https:// URL (plain HTTP only "
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
    if request.secrets and Target(url).origin != Target(request.url).origin:
        raise HttpPolicyError(
            f"{display(request.url)} redirected to {request.redact(display(url))}: refusing "
            "to follow a redirect to another origin with a credential"
        )
    check(hop)
    return hop
