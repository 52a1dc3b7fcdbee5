"""SECURITY.md's fault table, from a run of the fault suite: outcome, time and peak memory of each
case, as `tests/security/test_faults.py` measured them while passing.

.venv/bin/python bench/faults.py            # run the suite and print the table
.venv/bin/python bench/faults.py --write    # also write it into SECURITY.md
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.security.test_faults import CASES, DEADLINE, PROVIDERS, REPORT_VARIABLE  # noqa: E402

START, END = "<!-- faults -->", "<!-- /faults -->"


def measure() -> list[dict[str, object]]:
    """Run the fault suite with its report switched on; the rows it wrote, in the suite's order."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "faults.jsonl")
        environ = {**os.environ, REPORT_VARIABLE: str(report)}
        suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        result = subprocess.run(
            [*suite, "tests/security/test_faults.py"], cwd=ROOT, env=environ, check=False
        )
        if result.returncode != 0:
            raise SystemExit("the fault suite failed: no table is written from a failing run")
        rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    order = {(case, provider): index for index, (case, provider) in enumerate(
        (case, provider) for case in CASES for provider in PROVIDERS
    )}  # fmt: skip
    return sorted(rows, key=lambda row: order[(str(row["case"]), str(row["provider"]))])


def shown(outcome: str) -> str:
    """An outcome for the table: the class and what it says, without URLs or ports."""
    if outcome == "token":
        return "token"
    kind, _, message = outcome.partition(": ")
    message = message.partition(": ")[2] or message  # every message starts with the platform
    message = re.sub(r"https?://[^\s,;)]*[^\s,;):.]", "URL", message)
    message = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", message)
    if len(message) > 110:
        message = message[:109] + "…"
    return f"`{kind}`: {message}".replace("|", "/")


def table(rows: list[dict[str, object]]) -> str:
    """The Markdown table."""
    lines = [
        f"| case | provider | outcome | time (deadline {DEADLINE:g} s) | peak memory |",
        "|---|---|---|---:|---:|",
    ]
    for row in rows:
        seconds = float(row["seconds"])  # type: ignore[arg-type]
        peak = float(row["peak"]) / 2**20  # type: ignore[arg-type]
        lines.append(
            f"| {row['case']} | {row['provider']} | {shown(str(row['outcome']))} "
            f"| {seconds:.2f} s | {peak:.2f} MiB |"
        )
    return "\n".join(lines)


def main() -> None:
    """Measure, print, and with --write replace the table in SECURITY.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="write the table into SECURITY.md")
    args = parser.parse_args()
    text = table(measure())
    print(text)
    if args.write:
        security = ROOT / "SECURITY.md"
        before, rest = security.read_text(encoding="utf-8").split(START, 1)
        after = rest.split(END, 1)[1]
        security.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
