"""Forgejo Actions (and Gitea Actions, which has no OIDC tokens yet): the GitHub protocol.

Forgejo's runner sets `FORGEJO_ACTIONS=true`, `GITEA_ACTIONS=true` and every `GITHUB_*` variable,
`GITHUB_ACTIONS=true` included, so this provider is asked before GitHub's: errors name the
platform the job runs on and its own setting, `enable-openid-connect: true`, never GitHub's
`permissions: id-token: write`.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._base import Context
from ._spec import is_set
from .github import GitHubActions


class ForgejoActions(GitHubActions):
    """A Forgejo Actions job (Codeberg and other Forgejo instances), or a Gitea Actions job."""

    name = "forgejo"
    permission_fix = "add `enable-openid-connect: true` to the workflow or the job"
    permission_error = AmbientCredentialError

    def job_title(self, context: Context) -> str:
        """Forgejo's runner sets both variables; Gitea's only GITEA_ACTIONS."""
        if is_set(context.environ.get("FORGEJO_ACTIONS")):
            return "Forgejo Actions"
        return "Gitea Actions"

    def preflight(self, audience: str, context: Context) -> tuple[str, str, str]:
        """Gitea releases no OIDC tokens yet (go-gitea/gitea pull request 39052, open)."""
        if self.job_title(context) == "Gitea Actions" and not context.environ.get(
            "ACTIONS_ID_TOKEN_REQUEST_URL"
        ):
            raise AmbientCredentialError(
                "Gitea Actions: Gitea gives jobs no OIDC tokens yet (no released version does): "
                "run the job on Forgejo with `enable-openid-connect: true`, or hand a token in "
                "with ID_OIDC_TOKEN"
            )
        return super().preflight(audience, context)
