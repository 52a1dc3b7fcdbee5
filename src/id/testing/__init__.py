"""Emulators of every platform `id` supports, for testing code that consumes OIDC tokens offline.

Each emulator is a context manager. Inside it, `environ` holds the variables a job of that
platform would have, and a loopback server plays the platform's token service (and serves its
issuer's discovery document and JWKS). Tokens are real RS256 JWTs signed by a fresh key.

    from id import detect_credential
    from id.testing import GitHubActions

    with GitHubActions() as job:
        token = detect_credential("pypi", environ=job.environ)

Needs the `testing` extra: `pip install 'id[testing]'`.
"""

from __future__ import annotations

from ._emulator import Emulator
from ._environ import clean_environ
from ._issuer import OIDCIssuer
from ._server import Faults, LoopbackServer, Reply, Request
from .azure_identity import AzureManagedIdentity
from .azure_pipelines import AzurePipelines
from .bitrise import Bitrise
from .buildkite import Buildkite
from .circleci import CircleCI
from .codefresh import Codefresh
from .gcloud import Gcloud
from .gcp import GoogleCloud
from .github import GitHubActions
from .gitlab import GitLabCI
from .openid import OpenIDProvider

#: Every emulator, by the name of the provider it emulates.
EMULATORS: dict[str, type[Emulator]] = {
    "github": GitHubActions,
    "gitlab": GitLabCI,
    "buildkite": Buildkite,
    "circleci": CircleCI,
    "gcp": GoogleCloud,
    "azure-pipelines": AzurePipelines,
    "codefresh": Codefresh,
    "bitrise": Bitrise,
    "azure-identity": AzureManagedIdentity,
    "gcloud": Gcloud,
}

__all__ = [
    "EMULATORS",
    "AzureManagedIdentity",
    "AzurePipelines",
    "Bitrise",
    "Buildkite",
    "CircleCI",
    "Codefresh",
    "Emulator",
    "Faults",
    "Gcloud",
    "GitHubActions",
    "GitLabCI",
    "GoogleCloud",
    "LoopbackServer",
    "OIDCIssuer",
    "OpenIDProvider",
    "Reply",
    "Request",
    "clean_environ",
]
