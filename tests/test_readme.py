"""The README's commands are the ones CI runs, and its quick start works."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    development = README[README.index("## Development") :]
    first = re.findall(r"```sh\n(.*?)```", development, flags=re.DOTALL)[0].strip().splitlines()
    assert len(first) == 2
    script = ROOT / ".ci" / "run"
    if not script.exists():
        pytest.skip("no .ci/run here (an unpacked sdist): nothing to compare the README with")
    ci = [
        line.strip().removeprefix("(").removesuffix(")") for line in script.read_text().splitlines()
    ]
    for command in first:
        assert command in ci, f"{command!r} is not in .ci/run"


def test_quick_start_prints_a_token_payload() -> None:
    quick_start = next(
        block for block in code_blocks("python") if "from id.testing import GitHubActions" in block
    )
    result = subprocess.run(
        [sys.executable, "-c", quick_start], capture_output=True, text=True, check=True, timeout=60
    )
    payload = json.loads(result.stdout)
    assert payload["aud"] == "pypi"
    assert payload["repository"] == "octo-org/octo-repo"


def test_platform_table_lists_every_provider_in_order() -> None:
    from id.providers import PROVIDERS

    start = README.index("\n## Platforms")
    section = README[start : README.index("\n### ", start)]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| ([^|]+) \| (yes|no)", section, flags=re.MULTILINE)
    assert [int(row[0]) for row in rows] == list(range(1, len(PROVIDERS) + 1))
    for (_, platform, signals, run_time), provider in zip(rows, PROVIDERS):
        assert platform.startswith(provider.title), (platform, provider.title)
        assert (run_time == "yes") is provider.audience_at_run_time, provider.name
        # Every variable the provider names in its signals is in the row.
        for variable in re.findall(r"[A-Z][A-Z0-9_]{3,}(?:_<TAG>)?", provider.signals):
            assert variable in signals, (provider.name, variable)


def test_the_first_screens_commands_run_in_an_emulated_job() -> None:
    # Every "try it" line of the README: the five CLI lines run inside an emulated GitHub job
    # (sign-in needs a real issuer: only its parsing is checked), and the id.testing line as is.
    lines = [
        line.split("#", 1)[0].strip()
        for block in code_blocks("sh")
        for line in block.splitlines()
        # The exchange's lines need a service to exchange with: tests/exchange/ runs them.
        if line.startswith("python -m id") and not line.startswith("python -m id.exchange")
    ]
    assert len(lines) >= 6
    for line in lines:
        words = line.split()
        if words[2] == "id.testing":
            argv = [sys.executable if w == "python" else w for w in words]
        elif "--issuer" in words:
            continue
        else:
            argv = [sys.executable, "-m", "id.testing", "github", "--", sys.executable, *words[1:]]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, (line, result.stderr)
        assert result.stdout, line


def test_platforms_page_has_a_section_per_provider_in_order() -> None:
    from id.providers import PROVIDERS

    page = (ROOT / "docs" / "platforms.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\d+)\. .*\(`([a-z0-9-]+)`", page, flags=re.MULTILINE)
    assert [name for _, name in headings] == [provider.name for provider in PROVIDERS]
    assert [int(number) for number, _ in headings] == list(range(1, len(PROVIDERS) + 1))


def test_the_readme_has_no_link_that_breaks_on_pypi() -> None:
    # PyPI renders the README away from the repository: relative links and anchors break there.
    assert re.findall(r"\]\((?!https?://)[^)]+\)", README) == []
