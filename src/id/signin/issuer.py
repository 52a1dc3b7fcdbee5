"""An OpenID Connect issuer, found through its discovery document."""

from __future__ import annotations

import os

from .._errors import IdentityError, SignInError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from .._token import IdentityToken

#: Issuers known by name, with the client id their public clients use.
WELL_KNOWN_ISSUERS: Mapping[str, tuple[str, str]] = {
    "sigstore": ("https://oauth2.sigstore.dev/auth", "sigstore"),
    "sigstore-staging": ("https://oauth2.sigstage.dev/auth", "sigstore"),
}

# Form fields that are credentials: whoever holds them can finish the sign-in.
SECRET_FIELDS = frozenset({"code", "code_verifier", "client_secret", "device_code"})

# The endpoints each flow needs from the discovery document.
FLOW_ENDPOINTS: Mapping[str, tuple[str, ...]] = {
    "browser": ("authorization_endpoint", "token_endpoint"),
    "oob": ("authorization_endpoint", "token_endpoint"),
    "device": ("device_authorization_endpoint", "token_endpoint"),
}


class Issuer:
    """An OpenID provider, e.g. `Issuer("https://accounts.example.com")` or `Issuer.production()`.

    Construction fetches `URL/.well-known/openid-configuration` (over HTTPS; plain HTTP only on
    loopback) and checks that its `issuer` is the URL given.
    """

    def __init__(self, url: str, *, environ: Mapping[str, str] | None = None) -> None:
        from .._discovery import discover

        self.url = url
        self.environ = os.environ if environ is None else environ
        self.default_client_id: str | None = None
        self.configuration = discover(url, self.environ, SignInError)

    @classmethod
    def named(cls, name: str) -> Issuer:
        """A well-known issuer (`WELL_KNOWN_ISSUERS`), by name."""
        if name not in WELL_KNOWN_ISSUERS:
            known = ", ".join(sorted(WELL_KNOWN_ISSUERS))
            raise SignInError(f"no well-known issuer is named {name!r} (known: {known})")
        url, client_id = WELL_KNOWN_ISSUERS[name]
        issuer = cls(url)
        issuer.default_client_id = client_id
        return issuer

    @classmethod
    def production(cls) -> Issuer:
        """Sigstore's public-good issuer."""
        return cls.named("sigstore")

    @classmethod
    def staging(cls) -> Issuer:
        """Sigstore's staging issuer."""
        return cls.named("sigstore-staging")

    def endpoint(self, name: str) -> str:
        """The URL of endpoint `name` from the discovery document, checked to be secure."""
        from .._http import insecure_url_reason

        value = self.configuration.get(name)
        if not isinstance(value, str) or not value:
            raise SignInError(f"the issuer {self.url} does not offer a {name}")
        reason = insecure_url_reason(value)
        if reason is not None:
            raise SignInError(f"the issuer's {name} {reason}")
        return value

    def supports(self, flow: str) -> bool:
        """Whether the discovery document has the endpoints `flow` needs."""
        return all(isinstance(self.configuration.get(name), str) for name in FLOW_ENDPOINTS[flow])

    def post_form(self, url: str, form: Mapping[str, str], what: str) -> tuple[int, dict[str, Any]]:
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
            response = request_once(request, self.environ)
            return response.status, response.json_object()
        except IdentityError as exc:
            raise SignInError(f"the {what} failed: {exc}") from None

    def identity_token(
        self,
        client_id: str | None = None,
        client_secret: str = "",
        flow: str = "browser",
        **options: Any,
    ) -> IdentityToken:
        """Sign a person in and return their ID token.

        `flow` is "browser" (authorization code with PKCE and a loopback redirect; falls back to
        "oob" where no browser can be opened), "oob" (the person pastes the code) or "device"
        (RFC 8628: the person visits a URL on any device). `options` go to the flow: `timeout`
        (seconds, default 300), `port` (browser: a fixed loopback port), `open_browser`
        (browser: a callable taking the URL), `prompt` (oob: reads the code), `output` (where
        instructions are written, default stderr).
        """
        client_id = client_id or self.default_client_id
        if not client_id:
            raise SignInError("a client id is needed to sign in: pass client_id=")
        if flow not in FLOW_ENDPOINTS:
            raise SignInError(f"unknown sign-in flow {flow!r}: use browser, oob or device")
        if flow == "device":
            from .device import device_flow

            return device_flow(self, client_id, client_secret, **options)
        from .browser import authorization_code_flow

        return authorization_code_flow(self, client_id, client_secret, oob=flow == "oob", **options)
