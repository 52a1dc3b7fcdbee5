"""GitLab CI: tokens declared under `id_tokens:` arrive as variables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from ._emulator import Emulator


def _variable_name(audience: str) -> str:
    from ..providers.gitlab import variable_name

    return variable_name(audience)


class GitLabCI(Emulator):
    """A GitLab CI job whose `.gitlab-ci.yml` declares one ID token per audience in `audiences`,
    named by the `<AUD>_ID_TOKEN` convention (or by `id_tokens`, a name-to-audience mapping)."""

    platform = "gitlab"

    #: Audiences, each declared as the `<AUD>_ID_TOKEN` the convention names.
    audiences: Sequence[str] = ()
    #: More ID tokens, variable name to audience.
    id_tokens: Mapping[str, str] = MappingProxyType({})
    project_path: str = "group/project"
    ref: str = "main"

    def __post_init__(self) -> None:
        super().__post_init__()
        self.id_tokens = {**{_variable_name(a): a for a in self.audiences}, **self.id_tokens}

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a GitLab ID token for a branch pipeline."""
        namespace = self.project_path.rsplit("/", 1)[0]
        return {
            "sub": f"project_path:{self.project_path}:ref_type:branch:ref:{self.ref}",
            "namespace_path": namespace,
            "project_path": self.project_path,
            "ref": self.ref,
            "ref_type": "branch",
            "ref_protected": "true",
            "pipeline_source": "push",
            "ci_config_ref_uri": (
                f"gitlab.example.com/{self.project_path}//.gitlab-ci.yml@refs/heads/{self.ref}"
            ),
            "user_login": "release-bot",
            "runner_environment": "gitlab-hosted",
        }

    def job_environ(self) -> dict[str, str]:
        """`GITLAB_CI=true` and one variable per declared ID token."""
        environ = {
            "GITLAB_CI": "true",
            "CI": "true",
            "CI_PROJECT_PATH": self.project_path,
            "CI_COMMIT_REF_NAME": self.ref,
            "CI_SERVER_URL": self.url,
        }
        for name, audience in self.id_tokens.items():
            environ[name] = self.mint(audience)
        return environ
