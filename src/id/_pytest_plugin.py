"""pytest fixtures that run a test inside an emulated CI job or cloud workload.

Registered through the `pytest11` entry point when `id` is installed. This module lives outside
`id.testing` on purpose: loading it imports nothing but pytest, so projects that install `id`
without the `testing` extra are unaffected; the emulators load when a test asks for a fixture.

- `id_github_actions`, `id_gitlab_ci`, `id_buildkite`, `id_circleci`, `id_google_cloud`: the
  test runs inside a job of that platform, with default settings; the fixture's value is the
  emulator. Every fixture's name starts with `id_`, so none clashes with a project's own.
- `id_job`: a factory for anything else, e.g. `id_job("github", repository="me/app",
  faults=Faults(status=503, times=1))`.
- `id_oidc_issuer`: a served `OIDCIssuer`, to mint tokens with any claims.
- `id_clean_environment`: no platform's variables (the platform fixtures use it).

Each fixture sets the job's variables with `monkeypatch`, so they are restored after the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .testing import Emulator, OIDCIssuer


@pytest.fixture
def id_clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every variable that would make `id` detect a platform (or hand it a token)."""
    import os

    from .testing._environ import platform_variables

    for name in platform_variables(os.environ):
        monkeypatch.delenv(name)


@pytest.fixture
def id_job(
    id_clean_environment: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Emulator]]:
    """Start an emulated job of a platform (by name) with the options given, and enter it."""
    from .testing import EMULATORS

    with contextlib.ExitStack() as stack:

        def start(platform: str, **options: Any) -> Emulator:
            if platform not in EMULATORS:
                raise ValueError(f"no emulator named {platform!r}; choose from {sorted(EMULATORS)}")
            job: Emulator = stack.enter_context(EMULATORS[platform](**options))
            for name, value in job.environ.items():
                monkeypatch.setenv(name, value)
            return job

        yield start


@pytest.fixture
def id_github_actions(id_job: Callable[..., Emulator]) -> Emulator:
    """The test runs in a GitHub Actions job with `permissions: id-token: write`."""
    return id_job("github")


@pytest.fixture
def id_gitlab_ci(id_job: Callable[..., Emulator]) -> Emulator:
    """The test runs in a GitLab CI job declaring ID tokens for `pypi` and `sigstore`."""
    return id_job("gitlab", audiences=["pypi", "sigstore"])


@pytest.fixture
def id_buildkite(id_job: Callable[..., Emulator]) -> Emulator:
    """The test runs in a Buildkite job, with `buildkite-agent` on PATH."""
    return id_job("buildkite")


@pytest.fixture
def id_circleci(id_job: Callable[..., Emulator]) -> Emulator:
    """The test runs in a CircleCI job, with the `circleci` CLI on PATH and a context."""
    return id_job("circleci")


@pytest.fixture
def id_google_cloud(id_job: Callable[..., Emulator]) -> Emulator:
    """The test runs on a Google Cloud VM with a service account attached."""
    return id_job("gcp")


@pytest.fixture
def id_oidc_issuer() -> Iterator[OIDCIssuer]:
    """An OpenID issuer serving discovery and JWKS on loopback, to mint tokens with any claims."""
    from .testing import OIDCIssuer

    with OIDCIssuer() as issuer:
        yield issuer
