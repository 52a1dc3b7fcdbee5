"""An OpenID provider that signs in a test person: for testing the browser, paste-the-code and
device flows end to end."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import ssl
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ._emulator import write_standin
from ._issuer import DISCOVERY_PATH, JWKS_PATH, OIDCIssuer
from ._options import Options
from ._server import Reply, Request, Route, Served

OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"


def _loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


class OpenIDProvider(Served, Options):
    """A provider with discovery, JWKS, an authorization endpoint that signs in `email` at once,
    a token endpoint that checks the PKCE verifier and redirect URI, and a device endpoint.

    The authorization endpoint accepts only registered `client_ids`, loopback `http://`
    redirects (RFC 8252) or the out-of-band URI, and S256 PKCE. What goes wrong is a parameter:

    - `deny=True`: the person refuses (`error=access_denied`);
    - `wrong_state=True`: the redirect carries another `state`;
    - `wrong_nonce=True`: the ID token carries another `nonce`;
    - `device_pending=N`: the device flow answers `authorization_pending` N times, after
      `device_slow_down` `slow_down` answers, then `device_outcome` ("approve", "deny" or
      "expire"); `device_interval` is the polling interval it announces.
    """

    client_ids: Collection[str] = ("sigstore", "test-client")
    email: str = "person@example.com"
    deny: bool = False
    wrong_state: bool = False
    wrong_nonce: bool = False
    device_pending: int = 1
    device_slow_down: int = 0
    device_outcome: str = "approve"
    device_interval: float = 0.1
    device: bool = True
    #: Azure AD B2C: the authorization endpoint is `.../authorize?p=POLICY`, and a request
    #: without the policy is refused.
    policy: str | None = None
    tls: ssl.SSLContext | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        self.issuer = OIDCIssuer()
        self.client_ids = frozenset(self.client_ids)
        self._codes: dict[str, dict[str, str]] = {}
        self._devices: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The issuer URL (the server's base URL)."""
        return self.issuer.url

    @property
    def requests(self) -> list[Request]:
        """Every request the provider received, in order."""
        return self.server.requests if self.server is not None else []

    def browser(self, folder: str | os.PathLike[str]) -> str:
        """Write a stand-in browser into `folder` (a path, as text or a `Path`) and return its
        path, for `BROWSER`: it opens the sign-in URL and follows the redirects, as the browser
        of a signed-in person does."""
        return str(write_standin(Path(folder) / "browser", "browser.py"))

    def discovery(self) -> dict[str, Any]:
        """The discovery document, with the endpoints of every flow."""
        document = {
            **self.issuer.discovery(),
            "authorization_endpoint": f"{self.url}/authorize"
            + (f"?p={self.policy}" if self.policy else ""),
            "token_endpoint": f"{self.url}/token",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email"],
        }
        if self.device:
            document["device_authorization_endpoint"] = f"{self.url}/device"
            document["grant_types_supported"].append("urn:ietf:params:oauth:grant-type:device_code")
        return document

    def _id_token(self, client_id: str, nonce: str | None) -> dict[str, Any]:
        claims: dict[str, Any] = {
            "sub": "person-0001",
            "aud": client_id,
            "email": self.email,
            "email_verified": True,
        }
        if nonce is not None:
            claims["nonce"] = "not-the-nonce-sent" if self.wrong_nonce else nonce
        return {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.issuer.mint(claims),
        }

    @staticmethod
    def _form(request: Request) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}

    @staticmethod
    def _error(error: str, description: str, status: int = 400) -> Reply:
        return Reply.json(status, {"error": error, "error_description": description})

    def _authorize(self, request: Request) -> Reply:
        query = {k: v[0] for k, v in request.query.items()}
        redirect_uri = query.get("redirect_uri", "")
        problem = self._authorize_problem(query)
        if problem is not None:
            return Reply.text(400, problem)
        if self.deny:
            answer = {"error": "access_denied", "error_description": "The person declined."}
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = {
                    "client_id": query["client_id"],
                    "redirect_uri": redirect_uri,
                    "challenge": query["code_challenge"],
                    "nonce": query.get("nonce", ""),
                }
            answer = {"code": code}
        state = query.get("state", "")
        answer["state"] = "forged-state" if self.wrong_state else state
        if redirect_uri == OOB_REDIRECT_URI:
            shown = answer.get("code") or answer["error"]
            page = f'<html><body><p>Your code:</p><code id="code">{shown}</code></body></html>'
            return Reply(200, page.encode(), {"Content-Type": "text/html"})
        return Reply(302, b"", {"Location": f"{redirect_uri}?{urlencode(answer)}"})

    def _authorize_problem(self, query: dict[str, str]) -> str | None:
        """Why the authorization request is refused (None when it is not)."""
        redirect_uri = query.get("redirect_uri", "")
        if self.policy is not None and query.get("p") != self.policy:
            return f"the policy p={self.policy} is required"
        if query.get("client_id") not in self.client_ids:
            return "unknown client_id"
        if redirect_uri != OOB_REDIRECT_URI and not _loopback_redirect(redirect_uri):
            return "redirect_uri must be a loopback http:// URL or the oob URI"
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return "response_type=code and scope=openid are required"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE with S256 is required"
        return None

    def _token(self, request: Request) -> Reply:
        form = self._form(request)
        if request.method != "POST":
            return self._error("invalid_request", "POST only", 405)
        if form.get("grant_type") == "authorization_code":
            return self._code_grant(form)
        if form.get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code":
            return self._device_grant(form)
        return self._error("unsupported_grant_type", f"{form.get('grant_type')!r}")

    def _code_grant(self, form: dict[str, str]) -> Reply:
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None:
            return self._error("invalid_grant", "unknown or used code")
        if form.get("client_id") != grant["client_id"]:
            return self._error("invalid_grant", "the code was issued to another client")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._error("invalid_grant", "redirect_uri differs from the authorization's")
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
            return self._error("invalid_grant", "PKCE verification failed")
        return Reply.json(200, self._id_token(grant["client_id"], grant["nonce"] or None))

    def _device_authorization(self, request: Request) -> Reply:
        form = self._form(request)
        if form.get("client_id") not in self.client_ids:
            return self._error("invalid_client", "unknown client_id", 401)
        device_code = secrets.token_urlsafe(24)
        with self._lock:
            self._devices[device_code] = {
                "client_id": form["client_id"],
                "pending": self.device_pending,
                "slow_down": self.device_slow_down,
            }
        return Reply.json(
            200,
            {
                "device_code": device_code,
                "user_code": "WDJB-MJHT",
                "verification_uri": f"{self.url}/activate",
                "verification_uri_complete": f"{self.url}/activate?user_code=WDJB-MJHT",
                "expires_in": 600,
                "interval": self.device_interval,
            },
        )

    def _device_grant(self, form: dict[str, str]) -> Reply:
        with self._lock:
            device = self._devices.get(form.get("device_code", ""))
            if device is None or device["client_id"] != form.get("client_id"):
                return self._error("invalid_grant", "unknown device_code")
            if device["slow_down"] > 0:
                device["slow_down"] -= 1
                return self._error("slow_down", "Polling too fast.")
            if device["pending"] > 0:
                device["pending"] -= 1
                return self._error("authorization_pending", "The person has not signed in yet.")
        if self.device_outcome == "deny":
            return self._error("access_denied", "The person declined.")
        if self.device_outcome == "expire":
            return self._error("expired_token", "The device code has expired.")
        return Reply.json(200, self._id_token(device["client_id"], None))

    def routes(self) -> dict[str, Route]:
        """Discovery and JWKS, and the endpoints of every flow."""
        return {
            **self.issuer.routes(),
            DISCOVERY_PATH: lambda _request: Reply.json(200, self.discovery()),
            "/authorize": self._authorize,
            "/token": self._token,
            "/device": self._device_authorization,
        }

    def reliable_paths(self) -> frozenset[str]:
        return frozenset({DISCOVERY_PATH, JWKS_PATH})

    def started(self, url: str) -> None:
        self.issuer.url = url
