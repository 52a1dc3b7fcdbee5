"""Opt-in providers: never detected on their own, answering only when asked for by name."""

from __future__ import annotations

import pytest

from id import AmbientCredentialError, detect_credential
from id.testing import AzureManagedIdentity, Gcloud
from tests.helpers import job_environ, run_id

RESOURCE = "api://release-app"


@pytest.mark.parametrize("emulator", [AzureManagedIdentity, Gcloud])
@pytest.mark.usefixtures("off_cloud")
def test_never_detected_on_their_own(emulator: type) -> None:
    with emulator() as job:
        assert detect_credential(RESOURCE, environ=job_environ(job.environ)) is None
        assert job.requests == []


def test_list_providers_marks_opt_in() -> None:
    with Gcloud() as job:
        result = run_id("--list-providers", env=job_environ(job.environ))
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "opt-in, --provider gcloud: available (gcloud is at" in lines["gcloud"]
    assert "opt-in, --provider azure-identity" in lines["azure-identity"]


def test_an_opt_in_provider_that_is_absent_says_what_it_needs() -> None:
    from id import detect_credential

    with pytest.raises(AmbientCredentialError) as info:
        detect_credential("pypi", environ={"PATH": "/nonexistent"}, provider="spiffe")
    assert str(info.value) == (
        "SPIFFE Workload API was asked for, but is not detected here: it needs "
        "SPIFFE_ENDPOINT_SOCKET set and the spiffe extra (pip install 'id[spiffe]')"
    )


def test_summaries_end_at_a_word() -> None:
    from id._redact import summarize

    line = summarize("word " * 100, limit=50)
    assert line.endswith("word…")
    assert len(line) <= 50
