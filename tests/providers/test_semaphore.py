"""Semaphore: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from tests.helpers import job_environ


def test_semaphore_without_oidc() -> None:
    with pytest.raises(AmbientCredentialError, match="SEMAPHORE_OIDC_TOKEN is not set: enable"):
        detect_credential("pypi", environ=job_environ({"SEMAPHORE": "true"}))
