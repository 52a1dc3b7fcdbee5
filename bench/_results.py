"""Writing one script's section of bench/RESULTS.md (and of the README's performance section)
without touching the others."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
README = RESULTS.parent.parent / "README.md"
TITLE = "# Benchmark results\n\nEach section is written by the script it names, on this machine.\n"


def _replace(text: str, name: str, body: str) -> str | None:
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    if start not in text or end not in text:
        return None
    before, rest = text.split(start, 1)
    return f"{before}{start}\n{body.strip()}\n{end}{rest.split(end, 1)[1]}"


def write_section(name: str, body: str) -> None:
    """Replace the section between `<!-- name -->` markers in RESULTS.md (adding it at the end if
    missing) and in the README (only where it has the markers)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else TITLE
    if not text.startswith(TITLE):
        text = TITLE
    replaced = _replace(text, name, body)
    if replaced is None:
        replaced = f"{text.rstrip()}\n\n<!-- {name} -->\n{body.strip()}\n<!-- /{name} -->\n"
    RESULTS.write_text(replaced, encoding="utf-8")
    readme = _replace(README.read_text(encoding="utf-8"), name, body)
    if readme is not None:
        README.write_text(readme, encoding="utf-8")


def machine() -> str:
    """What the numbers were measured on: the interpreter, the machine, the day."""
    import os
    import platform
    import time

    return (
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}"
    )


def report(name: str, heading: str, text: str, *, write: bool) -> None:
    """Print `text` and the machine; with `write`, also as the section `name` of RESULTS.md,
    under `heading`."""
    where = machine()
    print(f"{text}\n\n{where}")
    if write:
        write_section(name, f"{heading}\n\n{text}\n\n{where}")
