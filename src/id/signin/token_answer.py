"""The token endpoint of a sign-in: the POST (its secrets marked), the provider's error, and the
checked ID token."""

from __future__ import annotations

from .._errors import IdentityError, SignInError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .._token import IdentityToken
    from .issuer import Issuer


# Form fields that are credentials: whoever holds them can finish the sign-in.
SECRET_FIELDS = frozenset({"code", "code_verifier", "client_secret", "device_code"})


def post_form(
    issuer: Issuer, url: str, form: Mapping[str, str], what: str
) -> tuple[int, dict[str, Any]]:
    """POST `form` to `url`; the status and the JSON object answered.

    The form's code, verifier, device code and client secret are the request's secrets: the
    HTTP client sends them over TLS only (plain HTTP only to loopback), never to another
    origin after a redirect, and redacts them from every message.
    """
    from urllib.parse import urlencode

    from .._http import Request, request_once

    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    secrets = [value for name, value in form.items() if name in SECRET_FIELDS and value]
    request = Request(
        "POST",
        url,
        headers=headers,
        body=urlencode(form).encode(),
        secrets=secrets,
        tls_required=True,
    )
    try:
        response = request_once(request, issuer.environ)
        return response.status, response.json_object()
    except IdentityError as exc:
        raise SignInError(f"the {what} failed: {exc}") from None


def provider_error(answer: dict[str, Any]) -> str:
    """The provider's error as it wrote it, `error: error_description`, on one printable line."""
    from .._redact import summarize

    error = str(answer.get("error", "unknown_error"))
    description = answer.get("error_description")
    return summarize(f"{error}: {description}" if description else error)


def id_token_from(
    status: int, answer: dict[str, Any], issuer: Issuer, client_id: str, nonce: str | None
) -> IdentityToken:
    """The checked ID token from a token endpoint's successful answer (OpenID Connect Core
    3.1.3.7): its issuer, audience (the client id), nonce and validity period; an unsigned token
    (`alg: none`) is refused; and its signature is checked against the issuer's published keys
    when the verify extra (PyJWT) is installed. Without it, the token came straight from the
    issuer's token endpoint over TLS, which Core 3.1.3.7 accepts in place of the signature."""
    from .._errors import IdentityError
    from .._token import IdentityToken

    if status != 200:
        raise SignInError(f"the issuer refused the sign-in: {provider_error(answer)}")
    raw = answer.get("id_token")
    if not isinstance(raw, str):
        raise SignInError("the issuer's token answer has no id_token (is 'openid' a scope?)")
    try:
        token = IdentityToken(raw)
    except IdentityError as exc:
        raise SignInError(f"the issuer's id_token is unusable: {exc}") from None
    algorithm = token.header.get("alg")
    if not isinstance(algorithm, str) or algorithm.lower() == "none":
        raise SignInError("the issuer's id_token is not signed (alg none): refused")
    if token.issuer != issuer.url:
        raise SignInError(f"the id_token was issued by {token.issuer!r}, not {issuer.url!r}")
    if client_id not in token.audience:
        raise SignInError(f"the id_token is for {token.audience}, not the client {client_id!r}")
    if nonce is not None and token.claims.get("nonce") != nonce:
        raise SignInError(
            "the id_token's nonce is not the one this sign-in sent: it may be replayed; try again"
        )
    token.check_validity_period()
    _check_signature(token, issuer, client_id)
    return token


def _check_signature(token: IdentityToken, issuer: Issuer, client_id: str) -> None:
    from importlib.util import find_spec

    from .._errors import IdentityError
    from .._verify import IssuerKeys

    if find_spec("jwt") is None:
        return
    try:
        IssuerKeys(issuer.url, issuer.environ).verify(token.raw, audience=client_id, leeway=60)
    except IdentityError as exc:
        raise SignInError(f"the issuer's id_token does not verify: {exc}") from None
