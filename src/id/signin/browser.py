"""The authorization code flow with PKCE for a person at this machine (RFC 8252, RFC 7636).

A one-shot HTTP server on 127.0.0.1 receives the redirect; the person signs in in their browser.
Without a browser ("oob"), they paste the code the provider shows them.
"""

from __future__ import annotations

import sys
import time

from .._errors import SignInError
from .issuer import DEFAULT_TIMEOUT
from .token_answer import id_token_from, post_form, provider_error

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from http.server import HTTPServer
    from typing import IO

    from .._token import IdentityToken
    from .issuer import Issuer

OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK_PATH = "/callback"
CONNECTION_TIMEOUT = 10.0
SCOPES = "openid email"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:15vh auto;padding:0 1em;
color:#1b1b1b}}h1{{font-size:1.4em}}.bad{{color:#a4000f}}</style></head>
<body><h1 class="{css}">{title}</h1><p>{message}</p></body></html>
"""


def _page(title: str, message: str, *, ok: bool) -> bytes:
    from html import escape

    return _PAGE.format(
        title=escape(title), message=escape(message), css="" if ok else "bad"
    ).encode()


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636 4.1, 4.2)."""
    import base64
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Redirect:
    """What the loopback server received: a code, or the reason there is none."""

    def __init__(self) -> None:
        self.code: str | None = None
        self.error: str | None = None


def _callback_server(port: int, state: str, result: _Redirect) -> HTTPServer:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs, urlsplit

    class Callback(BaseHTTPRequestHandler):
        # A connection that sends nothing is dropped, and, each in its own thread, cannot keep
        # the browser's redirect waiting.
        timeout = CONNECTION_TIMEOUT

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != CALLBACK_PATH:
                self._answer(404, _page("Not found", "Nothing here.", ok=False))
                return
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            # The state first: a redirect this sign-in did not cause is not believed, error or not.
            if query.get("state") != state:
                result.error = (
                    "the sign-in answer's state is not the one this sign-in sent (a forged or "
                    "stale redirect); try again"
                )
                self._answer(400, _page("Sign-in failed", result.error, ok=False))
            elif "error" in query:
                result.error = "the issuer refused the sign-in: " + provider_error(query)
                page = _page("Sign-in failed", result.error, ok=False)
                self._answer(400, page)
            elif not query.get("code"):
                result.error = "the issuer's redirect has no code"
                self._answer(400, _page("Sign-in failed", result.error, ok=False))
            else:
                result.code = query["code"]
                self._answer(
                    200,
                    _page(
                        "Signed in",
                        "You are signed in. You may close this tab and go back to the terminal.",
                        ok=True,
                    ),
                )

        def _answer(self, status: int, page: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            """Keep the request line (it holds the code) out of the terminal."""

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Callback)
    except OSError as exc:
        raise SignInError(
            f"cannot listen on 127.0.0.1:{port} for the sign-in redirect: {exc}"
        ) from None
    server.daemon_threads = True
    return server


class _NoBrowser(Exception):  # noqa: N818 - an outcome
    """The browser could not be opened: the person signs in on another device instead."""


def _open_in_background(open_browser: Callable[[str], object], url: str) -> list[object]:
    """Open `url` without waiting; the list receives what the opener returned, once it did
    (`webbrowser.open` returns False when no browser could be started)."""
    import threading

    opened: list[object] = []

    def run() -> None:
        try:
            opened.append(open_browser(url))
        except Exception:  # any failure to start a browser means "no browser"
            opened.append(False)

    # A browser named by $BROWSER may not return until it exits: never wait for it.
    threading.Thread(target=run, daemon=True).start()
    return opened


def ask(prompt: str) -> str:
    """Ask on stderr and read a line from stdin: stdout is kept for the token."""
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line:
        raise SignInError("no code was entered (stdin is closed)")
    return line


def _browser_available() -> bool:
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def authorization_code_flow(
    issuer: Issuer,
    client_id: str,
    client_secret: str = "",
    *,
    oob: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    port: int = 0,
    open_browser: Callable[[str], object] | None = None,
    prompt: Callable[[str], str] = ask,
    output: IO[str] | None = None,
) -> IdentityToken:
    """Sign in through the browser (or, with `oob` or no browser, by pasting the code)."""
    import secrets

    from .._values import with_query

    output = sys.stderr if output is None else output
    authorization_endpoint = issuer.endpoint("authorization_endpoint")
    token_endpoint = issuer.endpoint("token_endpoint")
    if not oob and open_browser is None and not _browser_available():
        print("id: no web browser is available here: sign in on any device instead.", file=output)
        oob = True
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    result = _Redirect()
    server = None if oob else _callback_server(port, state, result)
    redirect_uri = (
        OOB_REDIRECT_URI
        if server is None
        else f"http://127.0.0.1:{server.server_address[1]}{CALLBACK_PATH}"
    )
    # The endpoint may carry a query of its own (Azure AD B2C's `?p=POLICY`): kept.
    url = with_query(
        authorization_endpoint,
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    try:
        if server is None:
            print(f"id: open this URL in a browser and sign in:\n\n    {url}\n", file=output)
            code = prompt("Paste the code you were given: ").strip()
            if not code:
                raise SignInError("no code was entered")
        else:
            print(f"id: signing in with {issuer.url} in your browser. If it does not open, "
                  f"visit:\n\n    {url}\n", file=output)  # fmt: skip
            import webbrowser

            opened = _open_in_background(open_browser or webbrowser.open, url)
            code = _wait_for_redirect(server, result, timeout, opened)
    except _NoBrowser:
        print("id: the browser could not be opened: sign in on any device instead.", file=output)
        return authorization_code_flow(
            issuer,
            client_id,
            client_secret,
            oob=True,
            timeout=timeout,
            prompt=prompt,
            output=output,
        )
    finally:
        if server is not None:
            server.server_close()
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": verifier,
    }
    if client_secret:
        form["client_secret"] = client_secret
    status, answer = post_form(issuer, token_endpoint, form, "code exchange")
    return id_token_from(status, answer, issuer, client_id, nonce)


def _wait_for_redirect(
    server: HTTPServer, result: _Redirect, timeout: float, opened: list[object]
) -> str:
    deadline = time.monotonic() + timeout
    server.timeout = 0.25
    while result.code is None and result.error is None:
        if time.monotonic() >= deadline:
            raise SignInError(
                f"no sign-in within {timeout:g} s (--timeout to wait longer); if the provider "
                "showed an error in the browser, check the client id and the issuer"
            )
        if opened and opened[0] is False:
            raise _NoBrowser
        server.handle_request()
    if result.error is not None:
        raise SignInError(result.error)
    return str(result.code)
