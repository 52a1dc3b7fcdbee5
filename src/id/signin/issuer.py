"""An OpenID Connect issuer, found through its discovery document: what it is and which
endpoints it offers. The flows that sign a person in with it are in `browser` and `device`."""

from __future__ import annotations

import os

from .._errors import SignInError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import IO, Literal

    from typing_extensions import TypedDict, Unpack

    from .._token import IdentityToken

    Flow = Literal["browser", "oob", "device"]

    class FlowOptions(TypedDict, total=False):
        """How a flow runs: options of `id.signin.sign_in`, written once (the other entry
        points take them as keywords)."""

        timeout: float
        port: int
        open_browser: Callable[[str], object] | None
        prompt: Callable[[str], str] | None
        output: IO[str] | None
        sleep: Callable[[float], None] | None

    class SignInOptions(FlowOptions, total=False):
        """Every option of `id.signin.sign_in`: the client and the flow too."""

        client_id: str | None
        client_secret: str
        flow: Flow


DEFAULT_TIMEOUT = 300.0

#: Issuers known by name, with the client id their public clients use.
WELL_KNOWN_ISSUERS: Mapping[str, tuple[str, str]] = {
    "sigstore": ("https://oauth2.sigstore.dev/auth", "sigstore"),
    "sigstore-staging": ("https://oauth2.sigstage.dev/auth", "sigstore"),
}

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

    def identity_token(
        self,
        client_id: str | None = None,
        client_secret: str = "",
        flow: Flow = "browser",
        **options: Unpack[FlowOptions],
    ) -> IdentityToken:
        """Sign a person in with this issuer and return their ID token: `id.signin.sign_in`,
        whose options these are (the first three may be given by position, as sigstore-python
        does)."""
        from . import sign_in

        return sign_in(self, client_id=client_id, client_secret=client_secret, flow=flow, **options)
