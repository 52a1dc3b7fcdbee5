"""Kubernetes projected service-account tokens, at a path the user names."""

from __future__ import annotations

from ._file import FileTokenProvider

PATH_VARIABLE = "ID_KUBERNETES_TOKEN_FILE"


class Kubernetes(FileTokenProvider):
    """A pod with a projected service-account token for the audience wanted.

    The automounted token is for the API server; a token for another audience is a projected
    volume whose path the pod spec chooses, so the user names it in `ID_KUBERNETES_TOKEN_FILE`.
    """

    name = "kubernetes"
    path_variable = PATH_VARIABLE
    set_for_others = False

    def wrong_audience(self, audience: str) -> str:
        """The audience is the projected volume's."""
        return (
            "Project a token for it in the pod spec:\n"
            "  volumes:\n  - name: oidc\n    projected:\n      sources:\n"
            f"      - serviceAccountToken:\n          audience: {audience}\n"
            "          path: token\n"
            f"and point {PATH_VARIABLE} at the mounted file"
        )
