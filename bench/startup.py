"""Time whole `python -m id` processes: this package against PyPI's `id` 1.6.1.

Installs PyPI's `id` 1.6.1 into its own virtual environment (bench/.venv-pypi-id, made once),
then runs each case as alternating pairs of processes (ours, theirs, ours, theirs, ...) after a
warm-up, and reports the median time of each and the median of the per-pair ratios.

    .venv/bin/python bench/startup.py            # print the table
    .venv/bin/python bench/startup.py --write    # also write its section of bench/RESULTS.md

Run it with the interpreter that has this package (and its `testing` extra) installed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
import venv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYPI_VENV = HERE / ".venv-pypi-id"
PYPI_VERSION = "1.6.1"
AUDIENCE = "sigstore"


def pypi_python() -> str:
    """The interpreter of a virtual environment holding PyPI's id 1.6.1 (made on first use)."""
    python = PYPI_VENV / "bin" / "python"
    if not python.exists():
        venv.create(PYPI_VENV, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"id=={PYPI_VERSION}"], check=True
        )
    version = subprocess.run(
        [str(python), "-c", "import id; print(id.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != PYPI_VERSION:
        sys.exit(f"{PYPI_VENV} holds id {version}, not {PYPI_VERSION}: delete it and rerun")
    return str(python)


def compile_ours() -> None:
    """Write this package's bytecode, as installing a wheel does.

    An editable install has none, and where PYTHONDONTWRITEBYTECODE is set every run would
    compile every module again, while pip compiled PyPI's id when it installed it.
    """
    import compileall

    import id

    compileall.compile_dir(str(Path(id.__file__).parent), quiet=1)


@dataclass
class Case:
    """One row of the table: a command line run by both interpreters in one environment."""

    name: str
    argv: list[str]
    environ: Mapping[str, str]
    theirs: bool = True
    expect_token: bool = False


def time_once(python: str, case: Case) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [python, *case.argv], env=dict(case.environ), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if case.expect_token and not result.stdout.startswith("eyJ"):
        sys.exit(f"{case.name}: {python} printed no token: {result.stderr.strip()[-300:]}")
    return elapsed


@dataclass
class Row:
    name: str
    ours: float
    theirs: float | None
    ratio: float | None


def measure(case: Case, ours: str, theirs: str, pairs: int, warmup: int) -> Row:
    for _ in range(warmup):
        time_once(ours, case)
        if case.theirs:
            time_once(theirs, case)
    our_times: list[float] = []
    their_times: list[float] = []
    ratios: list[float] = []
    for _ in range(pairs):
        mine = time_once(ours, case)
        our_times.append(mine)
        if case.theirs:
            other = time_once(theirs, case)
            their_times.append(other)
            ratios.append(mine / other)
    return Row(
        case.name,
        statistics.median(our_times),
        statistics.median(their_times) if their_times else None,
        statistics.median(ratios) if ratios else None,
    )


@contextlib.contextmanager
def cases(environ: dict[str, str]) -> Iterator[list[Case]]:
    from id.testing import GitHubActions, GitLabCI, GoogleCloud

    with (
        GitHubActions() as github,
        GitLabCI(audiences=[AUDIENCE]) as gitlab,
        GoogleCloud() as cloud,
    ):
        run_id = ["-m", "id", AUDIENCE]
        yield [
            Case("`python -c pass` (the floor)", ["-c", "pass"], environ),
            Case("`python -c 'import id'`", ["-c", "import id"], environ),
            Case("`python -m id` with no CI present", run_id, environ),
            Case(
                "`python -m id`, emulated GitHub Actions job",
                run_id,
                {**environ, **github.environ},
                expect_token=True,
            ),
            Case(
                "`python -m id`, emulated GitLab CI job",
                run_id,
                {**environ, **gitlab.environ},
                expect_token=True,
            ),
            # PyPI's id hard-codes http://metadata/ and cannot be pointed at an emulator.
            Case(
                "`python -m id`, emulated Google Cloud metadata server",
                run_id,
                {**environ, **cloud.environ},
                theirs=False,
                expect_token=True,
            ),
        ]


def floor_ratio(python: str, environ: Mapping[str, str], pairs: int, warmup: int) -> Row:
    """`python -m id AUD` with no platform against `python -m emptymod`, alternating: the floor
    that the interpreter and runpy set for any `-m` command."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "emptymod.py").write_text("", encoding="utf-8")
        path = os.pathsep.join(p for p in (folder, environ.get("PYTHONPATH", "")) if p)
        run_environ = {**environ, "PYTHONPATH": path}
        ours = Case("no CI", ["-m", "id", AUDIENCE], run_environ)
        empty = Case("emptymod", ["-m", "emptymod"], run_environ)
        for _ in range(warmup):
            time_once(python, ours)
            time_once(python, empty)
        ratios, our_times, empty_times = [], [], []
        for _ in range(pairs):
            mine, floor = time_once(python, ours), time_once(python, empty)
            our_times.append(mine)
            empty_times.append(floor)
            ratios.append(mine / floor)
    return Row(
        "`python -m id` with no CI, against `python -m emptymod` (same interpreter)",
        statistics.median(our_times),
        statistics.median(empty_times),
        statistics.median(ratios),
    )


def table(rows: list[Row], pairs: int, floor: Row) -> str:
    lines = [
        f"| case ({pairs} alternating pairs, medians) | id 2.0 | PyPI id {PYPI_VERSION} "
        "| ratio (median of pairs) |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        theirs = f"{row.theirs * 1000:.1f} ms" if row.theirs is not None else "n/a"
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "n/a"
        lines.append(f"| {row.name} | {row.ours * 1000:.1f} ms | {theirs} | {ratio} |")
    assert floor.theirs is not None
    lines += [
        "",
        "| floor case | `python -m id` | `python -m emptymod` | ratio (median of pairs) |",
        "|---|---:|---:|---:|",
        f"| {floor.name} | {floor.ours * 1000:.1f} ms | {floor.theirs * 1000:.1f} ms "
        f"| {floor.ratio:.2f}× |",
    ]
    floor_c, import_id, no_ci, github = rows[0], rows[1], rows[2], rows[3]
    targets = [
        ("no CI present ≤ 1.2× `python -m emptymod`", floor.ratio, 1.2, "×"),
        ("no CI present ≤ 0.5× PyPI's id", no_ci.ratio, 0.5, "×"),
        ("no CI present ≤ 2× `python -c pass`", no_ci.ours / floor_c.ours, 2.0, "×"),
        ("token from emulated GitHub ≤ 0.7× PyPI's id", github.ratio, 0.7, "×"),
        ("`import id` adds < 5 ms", (import_id.ours - floor_c.ours) * 1000, 5.0, " ms"),
    ]
    lines += ["", "| target | measured | holds |", "|---|---:|:---:|"]
    for name, value, limit, unit in targets:
        holds = value is not None and value <= limit
        shown = "n/a" if value is None else f"{value:.2f}{unit}"
        lines.append(f"| {name} | {shown} | {'yes' if holds else '**no**'} |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pairs", type=int, default=20, help="alternating pairs per case")
    parser.add_argument("--warmup", type=int, default=3, help="unrecorded pairs first")
    parser.add_argument("--write", action="store_true", help="write it to bench/RESULTS.md")
    args = parser.parse_args()
    if args.pairs < 15:
        parser.error("at least 15 pairs are needed for a stable median")

    theirs = pypi_python()
    ours = sys.executable
    compile_ours()
    from id.testing import clean_environ

    environ = clean_environ()
    with cases(environ) as all_cases:
        rows = [measure(case, ours, theirs, args.pairs, args.warmup) for case in all_cases]
    floor = floor_ratio(ours, environ, args.pairs, args.warmup)
    from _results import machine as measured_on

    machine = measured_on()
    text = table(rows, args.pairs, floor)
    print(text)
    print(f"\n{machine}")
    if args.write:
        from _results import write_section

        write_section(
            "startup",
            "### Start-up: `bench/startup.py`\n\n"
            "Whole processes, alternating this package and PyPI's id "
            f"{PYPI_VERSION} run by run.\n\n{text}\n\n{machine}",
        )


if __name__ == "__main__":
    main()
