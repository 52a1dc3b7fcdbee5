"""Kubernetes: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from tests.helpers import job_environ


def test_kubernetes_needs_the_path_variable() -> None:
    environ = job_environ({"KUBERNETES_SERVICE_HOST": "10.0.0.1"})
    with pytest.raises(
        AmbientCredentialError, match="needs KUBERNETES_SERVICE_HOST and ID_KUBERNETES_TOKEN_FILE"
    ):
        detect_credential("pypi", environ=environ, provider="kubernetes")
