"""PyPI trusted publishing: the index's audience, the platform's token for it, and a short-lived
upload token minted in exchange, as twine and the PyPI publish action do it."""

from __future__ import annotations

from ._common import ExchangeError, identity, received, who

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_REPOSITORY = "https://upload.pypi.org/legacy/"
#: The upload URL when none is given: twine's own setting, so one variable serves both.
REPOSITORY_VARIABLE = "TWINE_REPOSITORY_URL"
#: PyPI's `errors[].description`s quoted in a refusal, at most.
MAX_REASONS = 5


def index_url(repository_url: str) -> str:
    """The index that mints tokens for uploads to `repository_url`: `https://` and its host, as
    twine and the PyPI publish action derive it; an `http://` upload URL on loopback (an
    emulator, a local index) keeps its scheme, which the plain-HTTP rule allows there. User
    info in the URL is never part of it (nor of any message)."""
    from urllib.parse import urlsplit

    from .._http import is_loopback
    from .._redact import register

    try:
        parts = urlsplit(repository_url)
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
        parts = None
    if parts is not None and parts.password:
        register([parts.password])
    if parts is None or not host or parts.scheme not in ("http", "https"):
        shown = repository_url.rpartition("@")[2] if "@" in repository_url else repository_url
        raise ExchangeError(
            f"PyPI: {shown!r} is not an upload URL (e.g. https://upload.pypi.org/legacy/)"
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    scheme = "http" if parts.scheme == "http" and is_loopback(host) else "https"
    return f"{scheme}://{netloc}"


def pypi_token(
    repository_url: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    """A short-lived PyPI API token for uploads to `repository_url` (default:
    `TWINE_REPOSITORY_URL`, else PyPI's).

    Raises `ExchangeError` with PyPI's reasons and the claims a trusted publisher is matched on.
    """
    import json
    import os

    from .._deadline import Deadline
    from .._errors import IdentityError
    from .._http import HttpClient, Request
    from .._redact import summarize

    environ = os.environ if environ is None else environ
    index = index_url(repository_url or environ.get(REPOSITORY_VARIABLE) or DEFAULT_REPOSITORY)
    from ..providers import present

    # Before the index is contacted: offline, "no platform" is the answer, not a DNS error.
    if next(iter(present(environ)), None) is None:
        raise ExchangeError(
            "PyPI: no supported platform is detected here, so there is no identity to exchange "
            "(python -m id --explain pypi says what id sees)"
        )
    with Deadline.shared(environ) as deadline, HttpClient(deadline, environ) as http:
        answer = http.send(Request("GET", f"{index}/_/oidc/audience"))
        if answer.status != 200:
            raise ExchangeError(
                f"PyPI: {index} does not offer trusted publishing ({answer.describe()})"
            )
        audience = answer.json_object().get("audience")
        if not isinstance(audience, str) or not audience:
            raise ExchangeError(f"PyPI: {index}'s audience answer has no audience")
        token = identity(audience, environ, "PyPI", from_server=True)
        minted = http.send(
            Request(
                "POST",
                f"{index}/_/oidc/mint-token",
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                body=json.dumps({"token": token}).encode(),
                secrets=[token],
                single_use=True,
            )
        )
        upload_token = minted.string_field("token")
        if minted.status == 200 and upload_token is not None:
            return received(upload_token)
        try:
            body = minted.json_object()
        except IdentityError:  # not JSON at all: reported by its status below
            body = {}
        errors = body.get("errors")
        reasons = (
            "; ".join(
                summarize(f"{error.get('code')}: {error.get('description')}")
                for error in errors[:MAX_REASONS]
                if isinstance(error, dict)
            )
            if isinstance(errors, list)
            else minted.describe()
        )
        raise ExchangeError(
            f"PyPI refused the token ({reasons}). A trusted publisher is matched on the "
            f"token's claims: {who(token)}; check the publisher configured for the project "
            f"on {index}"
        )
