"""`detect_credential`: find the platform this code runs on and get a token from it."""

from __future__ import annotations

import os

from . import _log
from ._errors import (
    AmbientCredentialError,
    IdentityError,
    InvalidAudienceError,
)

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from ._token import IdentityToken
    from .providers import Provider


def _check_audience(audience: object) -> str:
    if not isinstance(audience, str) or not audience.strip():
        raise InvalidAudienceError(f"the audience must be a non-empty string, not {audience!r}")
    return audience


def _checked_token(token: str, audience: str, title: str) -> str:
    """`token` if it is a JWT whose `aud` holds `audience`; the platform is named otherwise."""
    from .providers._audience import held_audiences

    token = token.strip()
    held = held_audiences(token, title, "the token it returned")
    if audience not in held:
        raise AmbientCredentialError(
            f"{title} returned a token for audience {', '.join(map(repr, held))}, not {audience!r}"
        )
    return token


def titled(title: str, message: str) -> str:
    """`message` beginning with the platform's name (`GitHub Actions: ...`): providers write
    their messages without it, and this adds it, once, to every message that leaves one."""
    return message if message.startswith(f"{title}: ") else f"{title}: {message}"


class Outcome:
    """What became of one provider present here, in detection order: it `answered` (with
    `token` when it was asked), `skipped` (its signal exists for another reason: `detail` says
    which), `failed` (`error`, an `AmbientCredentialError`), or `would_ask` (it is the one
    detection would ask, and whether it answers takes the network)."""

    __slots__ = ("detail", "error", "kind", "presence", "provider", "token")

    ANSWERED = "answered"
    SKIPPED = "skipped"
    FAILED = "failed"
    WOULD_ASK = "would_ask"

    def __init__(
        self,
        provider: Provider,
        presence: str,
        kind: str,
        *,
        detail: str = "",
        token: str | None = None,
        error: AmbientCredentialError | None = None,
    ) -> None:
        self.provider = provider
        self.presence = presence
        self.kind = kind
        self.detail = detail
        self.token = token
        self.error = error


def walk(
    environ: Mapping[str, str], attempt: Callable[[Provider, str], Outcome]
) -> Iterator[Outcome]:
    """The outcome of each provider present, in detection order, as `attempt` finds it; after
    the first that does not skip, detection stops, and so does this. Detection
    (`detect_credential`) and `--explain` both walk here, with different attempts."""
    from .providers import present

    for provider, presence in present(environ):
        outcome = attempt(provider, presence)
        yield outcome
        if outcome.kind != Outcome.SKIPPED:
            return


def _fetch(
    provider: Provider,
    reason: str,
    audience: str,
    environ: Mapping[str, str],
    audience_from_server: bool = False,
) -> str:
    from ._deadline import Deadline
    from ._redact import redact, register
    from .providers import Context, Skipped

    _log.debug("%s detected: %s", provider.title, reason)
    context = Context(environ, Deadline.from_environ(environ), provider.title)
    context.audience_from_server = audience_from_server
    try:
        token = _checked_token(provider.fetch(audience, context), audience, provider.title)
    except Skipped as skipped:
        skipped.reason = redact(skipped.reason, context.secrets)
        raise
    except AmbientCredentialError as exc:
        # Same class (GitHubOidcPermissionCredentialError stays itself), secrets removed.
        raise type(exc)(titled(provider.title, redact(str(exc), context.secrets))) from None
    except IdentityError as exc:
        raise AmbientCredentialError(
            titled(provider.title, redact(str(exc), context.secrets))
        ) from None
    except Exception as exc:
        # Callers such as twine catch only AmbientCredentialError: nothing else may escape,
        # not even a bug; the message still names it as one.
        detail = redact(str(exc), context.secrets)
        raise AmbientCredentialError(
            f"{provider.title}: unexpected {type(exc).__name__}: {detail} (please report it)"
        ) from None
    else:
        register([token])
        return token
    finally:
        context.close()


def _check_extra(provider: Provider) -> None:
    """`MissingExtraError` when `provider` needs modules that are not installed."""
    from ._errors import MissingExtraError

    spec = provider.spec
    module = spec.missing_module()
    if module is not None:
        raise MissingExtraError(
            f"{provider.title} needs the {spec.extra} extra ({module} is not installed): "
            f"pip install 'id[{spec.extra}]'"
        )


def detect_credential(
    audience: str, *, environ: Mapping[str, str] | None = None, provider: str | None = None
) -> str | None:
    """Return an OIDC token for `audience` from the first supported environment detected.

    Returns None when no supported environment is present, or when every one present skipped
    (its signal exists for another reason, e.g. an EKS pod's web identity file for
    `sts.amazonaws.com` when `pypi` is asked for). Raises `AmbientCredentialError`
    (`GitHubOidcPermissionCredentialError` for a GitHub job without `id-token: write`) when a
    platform is present whose OIDC the job asked for but cannot have, naming the platform and the
    fix. The token is checked to be a JWT whose `aud` holds `audience`; its signature is not
    verified.

    With `provider` (a name from `id.providers.PROVIDERS`, e.g. "github"), only that provider is
    tried, and its absence, or a reason it would skip, is an `AmbientCredentialError`.
    """
    return detect(audience, environ=environ, provider=provider)


def detect(
    audience: str,
    *,
    environ: Mapping[str, str] | None = None,
    provider: str | None = None,
    audience_from_server: bool = False,
) -> str | None:
    """`detect_credential`; with `audience_from_server`, the audience was chosen by a remote
    server (a PyPI index's announcement), so no provider looks for it among tokens declared for
    other consumers (GitLab's other `*_ID_TOKEN`s, Nomad's identities with other audiences): a
    server must not be handed a credential the job meant for someone else."""
    from .providers import Skipped, by_name

    audience = _check_audience(audience)
    environ = os.environ if environ is None else environ
    if provider is not None:
        chosen = by_name(provider)
        _check_extra(chosen)
        reason = chosen.detect(environ)
        if reason is None:
            raise AmbientCredentialError(
                f"{chosen.title} was asked for, but is not detected here: it needs {chosen.signals}"
            )
        try:
            return _fetch(chosen, reason, audience, environ, audience_from_server)
        except Skipped as skipped:
            raise AmbientCredentialError(f"{chosen.title}: {skipped.reason}") from None

    def attempt(candidate: Provider, presence: str) -> Outcome:
        try:
            token = _fetch(candidate, presence, audience, environ, audience_from_server)
        except Skipped as skipped:
            _log.debug("%s skipped: %s", candidate.title, skipped.reason)
            return Outcome(candidate, presence, Outcome.SKIPPED, detail=skipped.reason)
        except AmbientCredentialError as exc:
            return Outcome(candidate, presence, Outcome.FAILED, error=exc)
        return Outcome(candidate, presence, Outcome.ANSWERED, token=token)

    for outcome in walk(environ, attempt):
        if outcome.error is not None:
            raise outcome.error
        if outcome.token is not None:
            return outcome.token
    _log.debug("no supported environment detected")
    return None


def detect_identity(
    audience: str, *, environ: Mapping[str, str] | None = None, provider: str | None = None
) -> IdentityToken | None:
    """Like `detect_credential`, but the token comes as an `IdentityToken`.

    Also raises `ExpiredIdentity` when the token is outside its validity period (by more than a
    minute of clock skew), and `MalformedTokenError` when it lacks `iss`, `sub`, `aud`, `iat` or
    `exp`. The signature is not verified: call `.verify(...)` for that.
    """
    from ._token import IdentityToken

    token = detect_credential(audience, environ=environ, provider=provider)
    if token is None:
        return None
    identity = IdentityToken(token)
    identity.check_validity_period()
    return identity
