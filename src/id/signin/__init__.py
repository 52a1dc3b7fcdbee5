"""Signing a person in: OpenID Connect discovery (`Issuer`) and three flows, chosen by name.

- "browser": the authorization code flow with PKCE and a loopback redirect (RFC 8252, 7636); it
  falls back to "oob" where no browser can be opened.
- "oob": the person opens the URL anywhere and pastes the code back.
- "device": the device authorization grant (RFC 8628): a URL and a code for any device.
"""

from __future__ import annotations

from .issuer import DEFAULT_TIMEOUT, FLOW_ENDPOINTS, WELL_KNOWN_ISSUERS, Issuer

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

    from typing_extensions import Unpack

    from .._token import IdentityToken
    from .issuer import Flow, SignInOptions

__all__ = ["WELL_KNOWN_ISSUERS", "Issuer", "interactive_credential", "sign_in"]


def sign_in(
    issuer: Issuer,
    *,
    client_id: str | None = None,
    client_secret: str = "",
    flow: Flow = "browser",
    timeout: float = DEFAULT_TIMEOUT,
    port: int = 0,
    open_browser: Callable[[str], object] | None = None,
    prompt: Callable[[str], str] | None = None,
    output: IO[str] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> IdentityToken:
    """Sign a person in with `issuer` and return their checked ID token.

    `client_id` defaults to the issuer's own (well-known issuers have one). `timeout` bounds the
    whole sign-in. Browser flow: `port` (a fixed loopback port; default any free one),
    `open_browser` (a callable taking the URL; default the system's browser). Paste-the-code
    flow: `prompt` (reads the code; default a line from stdin). Device flow: `sleep` (how to wait
    between polls). `output` is where instructions go (default stderr).
    """
    from .._errors import SignInError

    client_id = client_id or issuer.default_client_id
    if not client_id:
        raise SignInError("a client id is needed to sign in: pass client_id=")
    if flow == "device":
        from .device import device_flow

        return device_flow(
            issuer, client_id, client_secret, timeout=timeout, output=output,
            **({"sleep": sleep} if sleep is not None else {}),
        )  # fmt: skip
    if flow not in FLOW_ENDPOINTS:
        raise SignInError(f"unknown sign-in flow {flow!r}: use browser, oob or device")
    from .browser import ask, authorization_code_flow

    return authorization_code_flow(
        issuer,
        client_id,
        client_secret,
        oob=flow == "oob",
        timeout=timeout,
        port=port,
        open_browser=open_browser,
        prompt=prompt or ask,
        output=output,
    )


def interactive_credential(
    issuer: str | Issuer = "sigstore", **options: Unpack[SignInOptions]
) -> IdentityToken:
    """Sign a person in with `issuer` (a URL, a name from `WELL_KNOWN_ISSUERS`, or an `Issuer`)
    and return their ID token; the options are `sign_in`'s."""
    if not isinstance(issuer, Issuer):
        issuer = Issuer.named(issuer) if issuer in WELL_KNOWN_ISSUERS else Issuer(issuer)
    return sign_in(issuer, **options)
