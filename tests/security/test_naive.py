"""The fault suite is worth something only if a naive fetcher fails it: run it against one."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.test_faults import CASES

ROOT = Path(__file__).resolve().parents[2]
# Enough for pytest and the emulators; a client reading an endless body runs out instead.
MEMORY_LIMIT = 3 * 1024**3


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.slow
def test_every_fault_case_fails_against_a_naive_fetcher() -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "tests/security/test_faults.py",
            "--implementation", "naive", "--timeout", "4", "-q", "-p", "no:cacheprovider",
            "-p", "no:randomly", "-o", "addopts=",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        preexec_fn=_limit_memory,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1]
    failed = re.search(r"(\d+) failed", summary)
    assert failed is not None, result.stdout[-3000:]
    assert int(failed.group(1)) == len(CASES), summary
    assert "passed" not in summary, summary
