"""OIDC identity tokens wherever code runs.

`detect_credential(audience)` returns a token from the CI platform or cloud workload this code
runs on, None when there is none, and raises `AmbientCredentialError` when one is present but
cannot give a token. Importing `id` is cheap: the network code loads only when a platform is found.
"""

from __future__ import annotations

from ._detect import detect_credential, detect_identity
from ._errors import (
    AmbientCredentialError,
    ExpiredIdentity,
    GitHubOidcPermissionCredentialError,
    IdentityError,
    InvalidAudienceError,
    MalformedTokenError,
    MissingExtraError,
    SignInError,
    UnknownProviderError,
    VerificationError,
)
from ._version import __version__

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._jwt import decode_oidc_token
    from ._token import IdentityToken, Platform
    from .signin import Issuer, interactive_credential

# Names whose modules load on first use: `python -m id AUD` needs none of them.
_LAZY = {
    "decode_oidc_token": "._jwt",
    "IdentityToken": "._token",
    "Platform": "._token",
    "Issuer": ".signin",
    "interactive_credential": ".signin",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # The names loaded on first use are there too, as `from id import IdentityToken` finds them.
    return sorted({*globals(), *_LAZY})


__all__ = [
    "AmbientCredentialError",
    "ExpiredIdentity",
    "GitHubOidcPermissionCredentialError",
    "IdentityError",
    "IdentityToken",
    "InvalidAudienceError",
    "Issuer",
    "MalformedTokenError",
    "MissingExtraError",
    "Platform",
    "SignInError",
    "UnknownProviderError",
    "VerificationError",
    "__version__",
    "decode_oidc_token",
    "detect_credential",
    "detect_identity",
    "interactive_credential",
]
