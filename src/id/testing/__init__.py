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

from collections.abc import Iterator, Mapping
from typing import Any

from ._emulator import Emulator
from ._environ import clean_environ
from ._issuer import OIDCIssuer
from ._server import Faults, LoopbackServer, Reply, Request
from .aws import AwsSts
from .azure_identity import AzureManagedIdentity
from .azure_pipelines import AzurePipelines
from .bitrise import Bitrise
from .buildkite import Buildkite
from .circleci import CircleCI
from .codefresh import Codefresh
from .federation import AwsStsFederation, GoogleStsFederation, VaultJwtAuth
from .fixed import (
    AwsWebIdentity,
    AzureWorkloadIdentity,
    BitbucketPipelines,
    Env0,
    ExplicitToken,
    FixedAudienceJob,
    HCPTerraform,
    Kubernetes,
    Modal,
    Semaphore,
    Spacelift,
)
from .fly import FlyMachines
from .forgejo import ForgejoActions
from .gcloud import Gcloud
from .gcp import GoogleCloud
from .github import GitHubActions
from .gitlab import GitLabCI
from .gitpod import Gitpod
from .google_adc import GoogleAdc
from .nomad import Nomad
from .openid import OpenIDProvider
from .pypi import PyPIIndex
from .vault import Vault
from .vercel import Vercel


class _Emulators(Mapping[str, Any]):
    """Every emulator, by the name of the provider it emulates, as the registry's specs name
    them (`emulator="module:Class"`): read from the specs when asked, so a platform added there
    is here too, and an emulator's module (the spiffe one needs grpc) is imported when its
    emulator is asked for. `tests/test_registry.py` checks that every provider has one."""

    def __getitem__(self, name: str) -> Any:
        import importlib

        from ..providers import SPECS

        for spec in SPECS:
            if spec.name == name and spec.emulator:
                module, _, cls = spec.emulator.partition(":")
                return getattr(importlib.import_module(f"{__name__}.{module}"), cls)
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        from ..providers import SPECS

        return iter([spec.name for spec in SPECS if spec.emulator])

    def __len__(self) -> int:
        return sum(1 for _ in self)


#: Every emulator, by the name of the provider it emulates. Each takes `claims`, `faults`,
#: `lifetime` and `tls`.
EMULATORS: Mapping[str, Any] = _Emulators()

__all__ = [
    "EMULATORS",
    "AwsSts",
    "AwsStsFederation",
    "AwsWebIdentity",
    "AzureManagedIdentity",
    "AzurePipelines",
    "AzureWorkloadIdentity",
    "BitbucketPipelines",
    "Bitrise",
    "Buildkite",
    "CircleCI",
    "Codefresh",
    "Emulator",
    "Env0",
    "ExplicitToken",
    "Faults",
    "FixedAudienceJob",
    "FlyMachines",
    "ForgejoActions",
    "Gcloud",
    "GitHubActions",
    "GitLabCI",
    "Gitpod",
    "GoogleAdc",
    "GoogleCloud",
    "GoogleStsFederation",
    "HCPTerraform",
    "Kubernetes",
    "LoopbackServer",
    "Modal",
    "Nomad",
    "OIDCIssuer",
    "OpenIDProvider",
    "PyPIIndex",
    "Reply",
    "Request",
    "Semaphore",
    "Spacelift",
    "Vault",
    "VaultJwtAuth",
    "Vercel",
    "clean_environ",
]
