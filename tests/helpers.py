"""Helpers for tests that are not fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from id._jwt import unverified_claims


def claims(token: str) -> dict[str, Any]:
    """The unverified payload of `token`."""
    return unverified_claims(token)


def run_id(
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI, `python -m id ARGS...`, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "id", *args],
        env=dict(os.environ if env is None else env),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def job_environ(extra: Mapping[str, str]) -> dict[str, str]:
    """The (clean) environment of this process with a job's variables added."""
    return {**os.environ, **extra}


def json_lines(text: str) -> list[Any]:
    """Each line of `text` parsed as JSON."""
    return [json.loads(line) for line in text.splitlines()]
