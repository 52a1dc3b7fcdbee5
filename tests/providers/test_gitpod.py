"""Gitpod: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import Gitpod
from tests.helpers import claims, job_environ


def test_gitpod_asks_gp_for_any_audience() -> None:
    with Gitpod() as workspace:
        token = detect_credential("pypi", environ=job_environ(workspace.environ))
    assert claims(token or "")["aud"] == "pypi"
    assert claims(token or "")["sub"].startswith("https://github.com/")


def test_gitpod_without_gp() -> None:
    with Gitpod(gp_installed=False) as workspace:
        environ = job_environ({**workspace.environ, "PATH": "/nonexistent"})
        with pytest.raises(AmbientCredentialError, match="`gp` is not on PATH"):
            detect_credential("pypi", environ=environ)
