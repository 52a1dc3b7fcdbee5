"""PyPI trusted publishing: the index's audience, the platform's token for it, and a short-lived
upload token minted in exchange, as twine and the PyPI publish action do it."""

from __future__ import annotations

from ._common import ExchangeError, identity, who

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_REPOSITORY = "https://upload.pypi.org/legacy/"


def index_url(repository_url: str) -> str:
    """The index that mints tokens for uploads to `repository_url`: `https://` and its host, as
    twine and the PyPI publish action derive it."""
    from urllib.parse import urlsplit

    host = urlsplit(repository_url).netloc
    if not host:
        raise ExchangeError(f"PyPI: {repository_url!r} is not an upload URL")
    return f"https://{host}"


def pypi_token(
    repository_url: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str:
    """A short-lived PyPI API token for uploads to `repository_url` (default: PyPI's).

    Raises `ExchangeError` with PyPI's reasons and the claims a trusted publisher is matched on.
    """
    import json
    import os

    from .._deadline import Deadline
    from .._http import HttpClient, Request

    environ = os.environ if environ is None else environ
    index = index_url(repository_url or DEFAULT_REPOSITORY)
    with HttpClient(Deadline.from_environ(environ), environ) as http:
        answer = http.send(Request("GET", f"{index}/_/oidc/audience"))
        if answer.status != 200:
            raise ExchangeError(
                f"PyPI: {index} does not offer trusted publishing ({answer.describe()})"
            )
        audience = answer.json_object().get("audience")
        if not isinstance(audience, str) or not audience:
            raise ExchangeError(f"PyPI: {index}'s audience answer has no audience")
        token = identity(audience, environ, "PyPI")
        minted = http.send(
            Request(
                "POST",
                f"{index}/_/oidc/mint-token",
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                body=json.dumps({"token": token}).encode(),
                secrets=[token],
            )
        )
        from .._errors import IdentityError

        try:
            body = minted.json_object()
        except IdentityError:  # not JSON at all: reported by its status below
            body = {}
        if minted.status == 200 and isinstance(body.get("token"), str):
            return str(body["token"])
        errors = body.get("errors")
        reasons = (
            "; ".join(
                f"{error.get('code')}: {error.get('description')}"
                for error in errors
                if isinstance(error, dict)
            )
            if isinstance(errors, list)
            else minted.describe()
        )
        from .._redact import redact

        raise ExchangeError(
            redact(
                f"PyPI refused the token ({reasons}). A trusted publisher is matched on the "
                f"token's claims: {who(token)}; check the publisher configured for the project "
                f"on {index}",
                [token],
            )
        )
