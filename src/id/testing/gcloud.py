"""gcloud: a logged-in Google Cloud CLI, as a stand-in executable."""

from __future__ import annotations

from typing import Any

from ._emulator import Emulator
from ._server import Reply, Request, Route

MINT_PATH = "/gcloud/print-identity-token"


class Gcloud(Emulator):
    """A machine where `gcloud` is logged in as `account`. Like gcloud, `--audiences` is refused
    for a person's account (`service_account=False`) unless a service account is impersonated."""

    platform = "gcloud"

    account: str = "deployer@example-project.iam.gserviceaccount.com"
    service_account: bool = True
    lifetime: float = 3600

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a service account's identity token."""
        return {"sub": "107517467455664443765", "email": self.account, "email_verified": True}

    def routes(self) -> dict[str, Route]:
        """What the stand-in asks."""
        return {MINT_PATH: self._mint}

    def _mint(self, request: Request) -> Reply:
        body = request.json() or {}
        audience, impersonate = (
            body.get("audiences") or "32555940559.apps.googleusercontent.com",
            body.get("impersonate"),
        )
        if body.get("audiences") and not (self.service_account or impersonate):
            return Reply.text(
                400, "Invalid account type for `--audiences`. Requires valid service account."
            )
        claims = self.platform_claims(audience)
        if impersonate:
            claims["email"] = impersonate
        return Reply.json(200, {"token": self.mint(audience, claims)})

    def job_environ(self) -> dict[str, str]:
        """gcloud on PATH, pointed at the emulator."""
        folder = self.install_standin("gcloud", "gcloud.py")
        return {"PATH": self.path_with(folder), "ID_TESTING_GCLOUD_URL": f"{self.url}{MINT_PATH}"}
