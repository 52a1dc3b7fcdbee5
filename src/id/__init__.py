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
    SignInError,
    UnknownProviderError,
    VerificationError,
)
from ._jwt import decode_oidc_token
from ._token import IdentityToken, Platform
from ._version import __version__
from .signin import Issuer, interactive_credential

__all__ = [
    "AmbientCredentialError",
    "ExpiredIdentity",
    "GitHubOidcPermissionCredentialError",
    "IdentityError",
    "IdentityToken",
    "InvalidAudienceError",
    "Issuer",
    "MalformedTokenError",
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
