"""Run every fuzz target for a while: `python fuzz/run.py [--seconds N]`.

Each target runs in its own process (atheris takes over the interpreter) with a fresh corpus in a
temporary folder; the run fails, with the crashing input's path, when any target finds a bug.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ("jwt", "responses", "headers", "redaction", "token_files", "signin")


def main() -> int:
    """Run the targets; return 0 when none found a bug."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=int, default=60, help="time per target (default 60)")
    args = parser.parse_args()
    try:
        import atheris  # noqa: F401 - only whether it imports
    except ImportError:
        print(
            "atheris is not installed: pip install --group fuzz (it has wheels for Python "
            "3.10 to 3.12 on Linux; elsewhere it builds from source and needs clang)",
            file=sys.stderr,
        )
        return 2
    failed = []
    for target in TARGETS:
        with tempfile.TemporaryDirectory(prefix=f"fuzz-{target}-") as corpus:
            result = subprocess.run(
                [
                    sys.executable, str(HERE / "targets.py"), target, corpus,
                    f"-max_total_time={args.seconds}", "-max_len=4096", "-rss_limit_mb=1024",
                    f"-artifact_prefix={HERE}/crash-{target}-",
                ],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        summary = [
            line for line in result.stderr.splitlines() if line.startswith("#") and "cov:" in line
        ]
        print(f"{target}: exit {result.returncode}; {summary[-1] if summary else 'no stats'}")
        if result.returncode != 0:
            failed.append(target)
            print(result.stderr[-3000:], file=sys.stderr)
    if failed:
        print(f"fuzzing found bugs in: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
