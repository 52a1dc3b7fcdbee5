"""Ways to print a token for the command line: decoded, as JSON, or readable by people."""

from __future__ import annotations

import json
import time

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from ._detect import Outcome
    from ._token import IdentityToken
    from .providers import Provider, Spec


def duration(seconds: float) -> str:
    """`seconds` as people say it: "12 s", "4 min 12 s", "2 h 5 min", "3 d 4 h"."""
    seconds = abs(round(seconds))
    for unit, size, smaller, smaller_size in (
        ("d", 86400, "h", 3600),
        ("h", 3600, "min", 60),
        ("min", 60, "s", 1),
    ):
        if seconds >= size:
            whole, rest = divmod(seconds, size)
            part = rest // smaller_size
            return f"{whole} {unit}" + (f" {part} {smaller}" if part else "")
    return f"{seconds} s"


def relative(when: float, now: float | None = None) -> str:
    """ "in 4 min 12 s" or "3 min ago"."""
    delta = when - (time.time() if now is None else now)
    return f"in {duration(delta)}" if delta >= 0 else f"{duration(delta)} ago"


def decoded(raw: str) -> str:
    """The header and payload JSON as they are in the token, one per line (`-d`).

    JSON that spreads over lines, or holds a control character between its tokens, is written
    again compactly: a token must not be able to forge lines of the output.
    """
    from ._jwt import decode_oidc_token
    from ._redact import escaped

    parts = decode_oidc_token(raw)[:2]
    return "".join(
        (text if escaped(text) == text else json.dumps(json.loads(text), separators=(",", ":")))
        + "\n"
        for text in parts
    )


def as_json(token: IdentityToken, now: float | None = None) -> str:
    """One JSON object: header, claims, and what can be computed from them (`--json`)."""
    now = time.time() if now is None else now
    platform = token.platform
    document: dict[str, Any] = {
        "header": dict(token.header),
        "claims": dict(token.claims),
        "issuer": token.issuer,
        "subject": token.subject,
        "audience": token.audience,
        "identity": token.identity,
        "identity_claim": token.identity_claim,
        "issued_at": token.issued_at.isoformat(),
        "expires_at": token.expires_at.isoformat(),
        "expires_in_seconds": round(token.claims["exp"] - now, 3),
        "in_validity_period": token.in_validity_period(),
        "platform": None
        if platform is None
        else {"name": platform.name, "title": platform.title, **platform.details},
        "verified": False,
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def show(token: IdentityToken, now: float | None = None) -> str:
    """What the token says, for people (`--show`). It says the signature was not checked."""
    from ._redact import escaped

    now = time.time() if now is None else now
    rows = [
        ("issuer", token.issuer),
        ("subject", token.subject),
        ("identity", f"{token.identity} (claim {token.identity_claim!r})"),
        ("audience", ", ".join(token.audience)),
        (
            "issued",
            f"{token.issued_at:%Y-%m-%d %H:%M:%S} UTC ({relative(token.claims['iat'], now)})",
        ),
    ]
    not_before = token.not_before
    if not_before is not None and not_before.timestamp() > now:
        when = relative(not_before.timestamp(), now)
        rows.append(("NOT VALID YET", f"until {not_before:%Y-%m-%d %H:%M:%S} UTC ({when})"))
    exp = float(token.claims["exp"])
    state = "expires" if exp > now else "EXPIRED"
    rows.append((state, f"{token.expires_at:%Y-%m-%d %H:%M:%S} UTC ({relative(exp, now)})"))
    if token.federated_issuer != token.issuer:
        rows.append(("federated from", token.federated_issuer))
    platform = token.platform
    if platform is not None:
        rows.append(("platform", platform.title))
        rows.extend((f"  {name}", value) for name, value in platform.details.items())
    rows.append(("signature", f"{token.header.get('alg')}, not verified (use --verify)"))
    width = max(len(name) for name, _ in rows)
    # Claims are the token's text: escaped, so that none can forge a line or move the cursor.
    return "".join(f"{escaped(name) + ':':<{width + 2}}{escaped(value)}\n" for name, value in rows)


def verified(claims: dict[str, Any]) -> str:
    """The claims that verified, as JSON (`--verify`)."""
    return json.dumps(claims, indent=2) + "\n"


class Report:
    """What `--list-providers` or `--explain` prints, and whether a token is to be expected."""

    __slots__ = ("answers", "found", "text")

    def __init__(self, text: str, *, answers: bool | None, found: bool = True) -> None:
        self.text = text
        #: Whether some provider would be asked at all.
        self.found = found
        #: True when a provider would answer with a token, False when detection would fail or
        #: find nothing, None when that cannot be told without asking (no audience, or a
        #: provider that must be asked over the network).
        self.answers = answers


def providers_report(environ: Mapping[str, str], audience: str | None) -> Report:
    """Every provider, in order: whether it is detected here and why (`--list-providers`); with
    an audience, which one would answer, which would skip and why, and what the others lack
    (`--explain`). It walks detection's own loop (`walk`), with an attempt that stays offline."""
    from ._detect import Outcome, walk
    from .providers import SPECS, present

    outcomes = list(
        walk(environ, lambda p, presence: _offline_attempt(p, presence, audience, environ))
    )
    states: dict[str, str] = {}
    for outcome in outcomes:
        name, presence = outcome.provider.name, outcome.presence
        if outcome.kind == Outcome.SKIPPED:
            states[name] = f"detected ({presence}), but skipped: {outcome.detail}"
        else:
            states[name] = f"DETECTED ({presence})" + (" <- answers" if audience else "")
    for provider, presence in present(environ):
        states.setdefault(provider.name, f"detected ({presence}), but an earlier provider answers")
    rows = []
    for spec in SPECS:
        if spec.opt_in:
            state = f"opt-in, --provider {spec.name}: {_availability(spec, environ)}"
        else:
            state = states.get(spec.name, f"not detected: needs {spec.signals}")
        rows.append((spec.name, spec.title, state))
    width = max(len(name) for name, _, _ in rows)
    text = "".join(f"{name:<{width}}  {title}: {state}\n" for name, title, state in rows)
    if audience is None:
        return Report(text, answers=None)
    last = outcomes[-1] if outcomes else None
    if last is None or last.kind == Outcome.SKIPPED:
        return Report(
            text + f"\nNo provider answers here: no token for {audience!r}.\n",
            answers=False,
            found=False,
        )
    answering = last.provider
    how = (
        f"asks it for a token for {audience!r}"
        if answering.audience_at_run_time
        else f"uses the token its configuration declares, which must be for {audience!r}"
    )
    text += f"\n{answering.title} answers: id {how}.\n"
    if last.kind == Outcome.FAILED:
        return Report(text + f"It would fail: {last.error}\n", answers=False)
    if last.kind == Outcome.ANSWERED:
        return Report(text + f"Its token is for {audience!r}: it would answer.\n", answers=True)
    return Report(text, answers=None)


def _availability(spec: Spec, environ: Mapping[str, str]) -> str:
    """Whether an opt-in provider could answer here: its extra installed, its signal there."""
    if spec.missing_module() is not None:
        return f"not available: needs the {spec.extra} extra (pip install 'id[{spec.extra}]')"
    reason = spec.load().detect(environ)
    return f"available ({reason})" if reason else f"not available: needs {spec.signals}"


def _offline_attempt(
    provider: Provider, presence: str, audience: str | None, environ: Mapping[str, str]
) -> Outcome:
    """What can be told without the network of `provider` asked for `audience`: a provider
    whose token is in a variable or file is asked for it; the others run only their preflight
    (a GitHub job without `id-token: write` fails there), and would then be asked."""
    from ._deadline import Deadline
    from ._detect import Outcome, titled
    from ._errors import AmbientCredentialError, IdentityError
    from .providers import Context, Skipped

    if audience is None:
        return Outcome(provider, presence, Outcome.WOULD_ASK)
    context = Context(environ, Deadline(5), provider.title)
    try:
        if not provider.offline:
            provider.preflight(audience, context)
            return Outcome(provider, presence, Outcome.WOULD_ASK)
        provider.fetch(audience, context)
    except Skipped as skipped:
        return Outcome(provider, presence, Outcome.SKIPPED, detail=skipped.reason)
    except IdentityError as exc:
        error = AmbientCredentialError(titled(provider.title, str(exc)))
        return Outcome(provider, presence, Outcome.FAILED, error=error)
    finally:
        context.close()
    return Outcome(provider, presence, Outcome.ANSWERED)
