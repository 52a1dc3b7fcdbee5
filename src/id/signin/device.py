"""The device authorization grant (RFC 8628): the person signs in on any device."""

from __future__ import annotations

import sys
import time

from .._errors import SignInError
from .._redact import summarize
from .token_answer import id_token_from, post_form, provider_error

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

    from .._token import IdentityToken
    from .issuer import Issuer

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5.0
# Below this, polling would spin: an interval of zero (or NaN) means the default.
MIN_INTERVAL = 0.1
SLOW_DOWN_STEP = 5.0  # RFC 8628 3.5: "increased by 5 seconds for this and all subsequent requests"


def _seconds(value: object, default: float, *, at_least: float) -> float:
    """A number of seconds from the issuer's answer; `default` for anything not a finite number
    of at least `at_least` (NaN, zero or negative polling would spin or crash)."""
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    if not math.isfinite(value) or value < at_least:
        return default
    return float(value)


def device_flow(
    issuer: Issuer,
    client_id: str,
    client_secret: str = "",
    *,
    timeout: float = 300.0,
    output: IO[str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> IdentityToken:
    """Show the person a URL and a code, and poll until they have signed in."""
    output = sys.stderr if output is None else output
    device_endpoint = issuer.endpoint("device_authorization_endpoint")
    token_endpoint = issuer.endpoint("token_endpoint")
    form = {"client_id": client_id, "scope": "openid email"}
    if client_secret:
        form["client_secret"] = client_secret
    status, answer = post_form(issuer, device_endpoint, form, "device authorization")
    if status != 200:
        raise SignInError(f"the issuer refused the device sign-in: {provider_error(answer)}")
    device_code = answer.get("device_code")
    user_code = answer.get("user_code")
    # Google's endpoint says verification_url; RFC 8628 says verification_uri.
    verification = answer.get("verification_uri") or answer.get("verification_url")
    if not all(isinstance(v, str) and v for v in (device_code, user_code, verification)):
        raise SignInError(
            "the issuer's device authorization answer lacks device_code, user_code or "
            "verification_uri"
        )
    complete = answer.get("verification_uri_complete")
    message = (
        f"id: to sign in, visit {summarize(str(verification))} and enter the code "
        f"{summarize(str(user_code))}"
    )
    if isinstance(complete, str) and complete:
        message += f"\n    (or open {summarize(complete)})"
    print(message, file=output, flush=True)

    interval = _seconds(answer.get("interval"), DEFAULT_INTERVAL, at_least=MIN_INTERVAL)
    expires_in = _seconds(answer.get("expires_in"), timeout, at_least=1.0)
    deadline = time.monotonic() + min(expires_in, timeout)
    poll = {"grant_type": DEVICE_GRANT, "device_code": str(device_code), "client_id": client_id}
    if client_secret:
        poll["client_secret"] = client_secret
    while True:
        if time.monotonic() + interval > deadline:
            raise SignInError(
                f"the device sign-in was not completed within {min(expires_in, timeout):g} s; "
                "run the command again"
            )
        sleep(interval)
        status, answer = post_form(issuer, token_endpoint, poll, "device sign-in")
        if status == 200:
            return id_token_from(status, answer, issuer, client_id, nonce=None)
        error = answer.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_STEP
            continue
        if error == "access_denied":
            raise SignInError(f"the sign-in was denied: {provider_error(answer)}")
        if error == "expired_token":
            raise SignInError(
                f"the code expired before the sign-in was completed: {provider_error(answer)}; "
                "run the command again"
            )
        raise SignInError(f"the issuer refused the device sign-in: {provider_error(answer)}")
