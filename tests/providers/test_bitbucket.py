"""Bitbucket Pipelines: against its emulator."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from tests.helpers import job_environ


def test_bitbucket_step_without_oidc() -> None:
    with pytest.raises(AmbientCredentialError, match="add `oidc: true` to the step"):
        detect_credential("pypi", environ=job_environ({"BITBUCKET_BUILD_NUMBER": "7"}))
