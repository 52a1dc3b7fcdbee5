"""The exceptions `id` raises. Every one of them subclasses `IdentityError`."""

from __future__ import annotations


class IdentityError(Exception):
    """Base class of every error `id` raises on purpose.

    Its text is always `clean`: whoever shows it (the command line, twine, a log) gets one
    without registered secrets, JWTs, control characters, escape sequences or workflow commands,
    and of bounded length, however much outside text the message quotes.
    """

    #: The exit status of the command line when this error ends it: 1, a failure; 2, a usage
    #: error; 4, a token that is expired, does not verify or does not match; 5, a missing extra.
    exit_status = 1

    def __str__(self) -> str:
        from ._redact import clean

        return clean(super().__str__())


class AmbientCredentialError(IdentityError):
    """A supported environment was detected, but no token could be obtained from it.

    The message names the platform and says what to change. Callers such as twine catch only
    this class, so every failure inside a detected environment is raised as it (or a subclass).
    """


class GitHubOidcPermissionCredentialError(AmbientCredentialError):
    """A GitHub Actions job has no OIDC token: the workflow lacks `permissions: id-token: write`,
    or the job runs for a pull request from a fork, which never gets one."""


class MissingExtraError(AmbientCredentialError):
    """What was asked for needs an optional extra that is not installed (`pip install
    'id[EXTRA]'`, named in the message). The command line exits with status 5 for it."""

    exit_status = 5


class MalformedTokenError(IdentityError, ValueError):
    """A string handed in or received as a token is not a well-formed JWT.

    It also subclasses `ValueError`, which is what PyPI's `id` 1.x let escape from
    `decode_oidc_token`, so existing `except ValueError` handlers keep working.
    """


class ExpiredIdentity(IdentityError):  # noqa: N818 - the name sigstore-python users know
    """A token is outside its validity period: expired, or not valid yet."""

    exit_status = 4


class VerificationError(IdentityError):
    """A token's signature or claims did not verify against its issuer, or the issuer's keys
    could not be had. The message says which check failed."""

    exit_status = 4


class PolicyError(VerificationError):
    """A verified token's claims do not match the policy: `mismatches` holds one entry per claim
    that did not match (its name, the expected value, the token's value), and the message one
    line per entry, `CLAIM: expected 'X', the token has 'Y'`."""

    def __init__(self, message: str, mismatches: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.mismatches = mismatches


class ReplayError(VerificationError):
    """A token was presented a second time (its `jti` was seen before, here or on another
    replica sharing the store), or it has no `jti` to tell."""


class SignInError(IdentityError):
    """Signing a person in failed: the provider refused (its `error` and `error_description` are
    quoted), the person did not finish in time, or the answer did not check out."""


class UnknownProviderError(IdentityError, ValueError):
    """No provider has the name asked for."""


class InvalidAudienceError(IdentityError, ValueError):
    """The audience asked for is not a non-empty string."""
