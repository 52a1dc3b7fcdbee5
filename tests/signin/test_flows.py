"""The three sign-in flows end to end against the emulated OpenID provider, and how they fail."""

from __future__ import annotations

import contextlib
import io
import re
import time
import urllib.error
import urllib.request

import pytest

from id import IdentityToken, Issuer, SignInError, interactive_credential
from id.signin.browser import pkce_pair
from id.testing import OpenIDProvider

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def person_with_browser(url: str) -> None:
    """A signed-in person's browser: open the URL, follow the redirects."""
    with contextlib.suppress(urllib.error.HTTPError):  # error pages are part of the flows
        _DIRECT.open(url, timeout=10).read()


def sign_in(provider: OpenIDProvider, flow: str = "browser", **options: object) -> IdentityToken:
    output = io.StringIO()
    options.setdefault("output", output)
    if flow == "browser":
        options.setdefault("open_browser", person_with_browser)
        options.setdefault("timeout", 10)
    return Issuer(provider.url).identity_token("sigstore", flow=flow, **options)  # type: ignore[arg-type]


def test_browser_flow() -> None:
    with OpenIDProvider(email="dev@example.org") as provider:
        token = sign_in(provider)
        authorize = next(r for r in provider.requests if r.path == "/authorize")
        exchange = next(r for r in provider.requests if r.path == "/token")
    assert token.claims["email"] == "dev@example.org"
    assert token.audience == ["sigstore"]
    assert token.issuer == provider.url
    query = {k: v[0] for k, v in authorize.query.items()}
    assert query["code_challenge_method"] == "S256"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/callback", query["redirect_uri"])
    assert len(query["state"]) >= 32
    assert token.claims["nonce"] == query["nonce"]
    assert "code_verifier=" in exchange.body.decode()


def test_an_authorization_endpoint_with_a_query_keeps_it() -> None:
    # Azure AD B2C's endpoints carry the policy: `.../authorize?p=B2C_1_signin`. Appending a
    # second `?` made the policy `B2C_1_signin?response_type=code`.
    with OpenIDProvider(policy="B2C_1_signin") as provider:
        token = sign_in(provider)
        authorize = next(r for r in provider.requests if r.path == "/authorize")
    assert token.audience == ["sigstore"]
    assert authorize.param("p") == "B2C_1_signin"
    assert authorize.param("response_type") == "code"


def test_browser_flow_on_a_fixed_port() -> None:
    import socket

    # A fixed port is the person's choice, so the test must pick one that is free: another
    # process may take it between the pick and the sign-in, so a collision picks again.
    for _ in range(5):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with OpenIDProvider() as provider:
            try:
                sign_in(provider, port=port)
            except SignInError as exc:
                if "in use" in str(exc):
                    continue
                raise
            authorize = next(r for r in provider.requests if r.path == "/authorize")
        break
    assert authorize.param("redirect_uri") == f"http://127.0.0.1:{port}/callback"


def test_denied() -> None:
    with (
        OpenIDProvider(deny=True) as provider,
        pytest.raises(
            SignInError, match="the issuer refused the sign-in: access_denied: The person declined."
        ),
    ):
        sign_in(provider)


def test_wrong_state_is_refused_before_the_code_is_used() -> None:
    with OpenIDProvider(wrong_state=True) as provider:
        with pytest.raises(SignInError, match="state is not the one this sign-in sent"):
            sign_in(provider)
        assert not any(r.path == "/token" for r in provider.requests)


def test_wrong_nonce_is_refused() -> None:
    with (
        OpenIDProvider(wrong_nonce=True) as provider,
        pytest.raises(SignInError, match="nonce is not the one this sign-in sent"),
    ):
        sign_in(provider)


def test_timeout_when_nobody_signs_in() -> None:
    with OpenIDProvider() as provider:
        started = time.monotonic()
        with pytest.raises(SignInError, match=r"no sign-in within 1 s"):
            sign_in(provider, open_browser=lambda _url: None, timeout=1)
        assert time.monotonic() - started < 3


def test_instructions_name_the_url() -> None:
    output = io.StringIO()
    with OpenIDProvider() as provider:
        sign_in(provider, output=output)
    assert f"If it does not open, visit:\n\n    {provider.url}/authorize?" in output.getvalue()


def test_oob_flow_reads_the_pasted_code() -> None:
    output = io.StringIO()

    def paste(prompt: str) -> str:
        assert prompt == "Paste the code you were given: "
        url = re.search(r"^    (\S+)$", output.getvalue(), flags=re.MULTILINE).group(1)  # type: ignore[union-attr]
        page = _DIRECT.open(url, timeout=10).read().decode()
        return re.search(r'<code id="code">([^<]+)</code>', page).group(1)  # type: ignore[union-attr]

    with OpenIDProvider() as provider:
        token = sign_in(provider, "oob", prompt=paste, output=output)
        authorize = next(r for r in provider.requests if r.path == "/authorize")
    assert authorize.param("redirect_uri") == "urn:ietf:wg:oauth:2.0:oob"
    assert token.claims["nonce"] == authorize.param("nonce")


def test_oob_with_an_empty_code() -> None:
    with OpenIDProvider() as provider, pytest.raises(SignInError, match="no code was entered"):
        sign_in(provider, "oob", prompt=lambda _prompt: "  ")


def test_device_flow_waits_through_pending() -> None:
    output = io.StringIO()
    with OpenIDProvider(device_pending=2) as provider:
        token = sign_in(provider, "device", output=output)
        polls = [r for r in provider.requests if r.path == "/token"]
    assert token.claims["email"] == "person@example.com"
    assert len(polls) == 3
    assert "visit " + provider.url + "/activate and enter the code WDJB-MJHT" in output.getvalue()
    assert "(or open " + provider.url + "/activate?user_code=WDJB-MJHT)" in output.getvalue()


def test_device_flow_slows_down_by_five_seconds() -> None:
    waits: list[float] = []
    with OpenIDProvider(device_slow_down=1, device_pending=1) as provider:
        sign_in(provider, "device", sleep=waits.append)
    assert waits == [0.1, 5.1, 5.1]


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("deny", "the sign-in was denied: access_denied: The person declined."),
        ("expire", "the code expired before the sign-in was completed: expired_token"),
    ],
)
def test_device_flow_failures(outcome: str, message: str) -> None:
    with (
        OpenIDProvider(device_outcome=outcome) as provider,
        pytest.raises(SignInError, match=message),
    ):
        sign_in(provider, "device")


def test_device_flow_times_out() -> None:
    with OpenIDProvider(device_pending=1000, device_interval=0.2) as provider:
        with pytest.raises(SignInError, match="not completed within 1 s"):
            sign_in(provider, "device", timeout=1)


def test_device_flow_needs_the_endpoint() -> None:
    with (
        OpenIDProvider(device=False) as provider,
        pytest.raises(SignInError, match="does not offer a device_authorization_endpoint"),
    ):
        sign_in(provider, "device")


def test_unknown_client_is_reported_as_the_provider_wrote_it() -> None:
    with (
        OpenIDProvider(client_ids=["other"]) as provider,
        pytest.raises(SignInError, match="invalid_client: unknown client_id"),
    ):
        sign_in(provider, "device")


def test_interactive_credential_by_url() -> None:
    with OpenIDProvider() as provider:
        token = interactive_credential(
            provider.url, client_id="test-client", flow="device", output=io.StringIO()
        )
    assert token.audience == ["test-client"]


def test_issuer_checks_discovery() -> None:
    with OpenIDProvider() as provider:
        issuer = Issuer(provider.url)
        assert issuer.supports("browser")
        assert issuer.supports("device")
        with pytest.raises(SignInError, match="names the issuer"):
            Issuer(provider.url + "/")
    with pytest.raises(SignInError, match="must be an https:// URL"):
        Issuer("http://accounts.example.com")


def test_named_issuers_and_unknown_names() -> None:
    from id.signin import WELL_KNOWN_ISSUERS

    assert WELL_KNOWN_ISSUERS["sigstore"] == ("https://oauth2.sigstore.dev/auth", "sigstore")
    with pytest.raises(SignInError, match="no well-known issuer is named 'nope'"):
        Issuer.named("nope")


def test_pkce_pair_is_rfc7636_s256() -> None:
    import base64
    import hashlib

    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert re.fullmatch(r"[A-Za-z0-9_~.-]+", verifier)
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert pkce_pair()[0] != verifier


def test_provider_enforces_pkce_and_redirect_uri() -> None:
    import urllib.parse

    with OpenIDProvider() as provider:
        _, challenge = pkce_pair()
        params = {
            "response_type": "code", "client_id": "sigstore", "scope": "openid",
            "redirect_uri": "http://127.0.0.1:9/callback", "state": "s", "nonce": "n",
            "code_challenge": challenge, "code_challenge_method": "S256",
        }  # fmt: skip
        for change, status in (
            ({"redirect_uri": "https://evil.example/cb"}, 400),
            ({"code_challenge_method": "plain"}, 400),
            ({"client_id": "nobody"}, 400),
        ):
            url = f"{provider.url}/authorize?{urllib.parse.urlencode({**params, **change})}"
            with pytest.raises(urllib.error.HTTPError) as info:
                _DIRECT.open(url, timeout=10)
            assert info.value.code == status

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object) -> None:  # type: ignore[override]
                return None

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(f"{provider.url}/authorize?{urllib.parse.urlencode(params)}", timeout=10)
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(info.value.headers["Location"]).query)[
            "code"
        ][0]
        form = {"grant_type": "authorization_code", "code": code, "client_id": "sigstore",
                "redirect_uri": params["redirect_uri"], "code_verifier": "wrong"}  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as info:
            _DIRECT.open(f"{provider.url}/token", urllib.parse.urlencode(form).encode(), timeout=10)
        assert b"PKCE verification failed" in info.value.read()


def test_a_browser_that_cannot_be_opened_falls_back_to_pasting_the_code() -> None:
    # webbrowser.open returns False when no browser starts: no waiting for a redirect that
    # cannot come; the person is asked for the code instead (here they enter none).
    with OpenIDProvider() as provider:
        output = io.StringIO()
        started = time.monotonic()
        with pytest.raises(SignInError, match="no code was entered"):
            Issuer(provider.url).identity_token(
                "sigstore", open_browser=lambda _url: False, timeout=30, output=output,
                prompt=lambda _text: "",
            )  # fmt: skip
        elapsed = time.monotonic() - started
    assert "the browser could not be opened" in output.getvalue()
    assert "open this URL in a browser" in output.getvalue()
    assert elapsed < 5
