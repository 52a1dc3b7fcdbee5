"""HashiCorp Nomad: a task's workload identities, as variables and as files in its secrets
directory, each for the audiences its job spec fixes."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._emulator import Emulator

#: The default identity (audience nomadproject.io) and one named "release" for PyPI.
DEFAULT_IDENTITIES: Mapping[str, Sequence[str]] = MappingProxyType(
    {"": ["nomadproject.io"], "release": ["pypi"]}
)


class Nomad(Emulator):
    """A Nomad task whose job spec declares `identities` ({name: audiences}; "" is the default
    identity), each written as `NOMAD_TOKEN[_<name>]` (`env`) and as `nomad_token` /
    `nomad_<name>.jwt` in `NOMAD_SECRETS_DIR` (`file`). `acl_token` sets `NOMAD_TOKEN` to a
    nomad CLI ACL secret instead of the default identity's token, as an operator's shell has."""

    platform = "nomad"

    identities: Mapping[str, Sequence[str]] = DEFAULT_IDENTITIES
    env: bool = True
    file: bool = True
    acl_token: str | None = None

    def platform_claims(self, audience: str) -> dict[str, Any]:
        """The claims of a task's identity token."""
        return {
            "nomad_namespace": "default",
            "nomad_job_id": "release",
            "nomad_allocation_id": "5b3d1c4e-2a1f-4f0e-9c8b-7d6e5f4a3b2c",
            "nomad_task": "publish",
        }

    def identity_token(self, name: str) -> str:
        """A token of identity `name`, for its audiences."""
        audiences = list(self.identities[name])
        claims = {
            **self.platform_claims(audiences[0]),
            "sub": f"global:default:release:publish:publish:{name or 'default'}",
            "aud": audiences[0] if len(audiences) == 1 else audiences,
        }
        return self.issuer.mint({**claims, **self.claim_overrides}, lifetime=self.lifetime)

    def job_environ(self) -> dict[str, str]:
        """The task's variables, its secrets directory and its identities."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(prefix="id-nomad-")
        environ = {
            "NOMAD_ALLOC_ID": "5b3d1c4e-2a1f-4f0e-9c8b-7d6e5f4a3b2c",
            "NOMAD_JOB_ID": "release",
            "NOMAD_TASK_NAME": "publish",
            "NOMAD_NAMESPACE": "default",
            "NOMAD_REGION": "global",
            "NOMAD_SECRETS_DIR": self._tempdir,
        }
        for name in self.identities:
            token = self.identity_token(name)
            if self.file:
                file_name = f"nomad_{name}.jwt" if name else "nomad_token"
                Path(self._tempdir, file_name).write_text(token, encoding="utf-8")
            if self.env:
                environ[f"NOMAD_TOKEN_{name}" if name else "NOMAD_TOKEN"] = token
        if self.acl_token is not None:
            environ["NOMAD_TOKEN"] = self.acl_token
        return environ
