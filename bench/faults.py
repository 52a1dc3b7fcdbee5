"""Measure the fault-injection cases: outcome, time and peak memory of each, for SECURITY.md.

.venv/bin/python bench/faults.py            # print the table
.venv/bin/python bench/faults.py --write    # also write it into SECURITY.md
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.security.test_faults import CASES, DEADLINE, PROVIDERS, run_case  # noqa: E402

from id import detect_credential, detect_identity  # noqa: E402
from id.testing import LoopbackServer  # noqa: E402


def main() -> None:
    """Run every case once per provider and print the measured bounds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help="write the table into SECURITY.md")
    args = parser.parse_args()
    lines = [
        f"| case | provider | outcome | time (deadline {DEADLINE:g} s) | peak memory |",
        "|---|---|---|---:|---:|",
    ]
    elsewhere = LoopbackServer({}).start()
    try:
        for case in CASES:
            for provider in PROVIDERS:
                outcome, elapsed, peak = run_case(
                    provider, case, detect_credential, detect_identity, elsewhere
                )
                if isinstance(outcome, str):
                    shown = "token" + (
                        " (expired: `detect_identity` refuses it)" if "expired" in case else ""
                    )
                else:
                    text = re.sub(r"https?://\S+ ?", "", str(outcome).split(": ", 1)[-1])
                    shown = f"`{type(outcome).__name__}`: {text.replace('|', '/')[:80]}"
                lines.append(
                    f"| {case} | {provider} | {shown} | {elapsed:.2f} s | {peak / 2**20:.2f} MiB |"
                )
    finally:
        elsewhere.stop()
    table = "\n".join(lines)
    print(table)
    if args.write:
        security = ROOT / "SECURITY.md"
        text = security.read_text(encoding="utf-8")
        start, end = "<!-- faults -->", "<!-- /faults -->"
        before, rest = text.split(start, 1)
        security.write_text(
            f"{before}{start}\n{table}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
