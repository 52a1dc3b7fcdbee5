"""The providers `detect_credential` knows, in the order it tries them.

CI platforms come first and cloud metadata last: a GitLab or Buildkite runner on a Google Cloud
VM must hand out its CI token, not the VM's. The first provider that is present answers, with a
token or with an `AmbientCredentialError`; the others are not asked.
"""

from __future__ import annotations

from ._base import Context, Provider
from .buildkite import Buildkite
from .circleci import CircleCI
from .gcp import GoogleCloud
from .github import GitHubActions
from .gitlab import GitLabCI

PROVIDERS: tuple[Provider, ...] = (
    GitHubActions(),
    GitLabCI(),
    Buildkite(),
    CircleCI(),
    GoogleCloud(),
)

__all__ = ["PROVIDERS", "Context", "Provider"]
