"""`python -m id.testing PLATFORM [--claim K=V ...] -- COMMAND ...`: run a command inside an
emulated job of PLATFORM.

The emulator's issuer URL and JWKS go to stderr first, so that a relying party under test can be
told to trust them; then COMMAND runs with the job's environment (and no other platform's), and
its exit status is this command's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from . import EMULATORS, Faults, clean_environ


def _claim(text: str) -> tuple[str, Any]:
    name, separator, value = text.partition("=")
    if not separator or not name:
        raise argparse.ArgumentTypeError(f"--claim takes NAME=VALUE, not {text!r}")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m id.testing",
        description="Run COMMAND inside an emulated job of PLATFORM: its token service runs on "
        "127.0.0.1, and COMMAND gets the variables a job of that platform has.",
        epilog="example: python -m id.testing github --claim repository=me/app -- "
        "python -m id --show pypi",
        usage="%(prog)s [-h] PLATFORM [options] -- COMMAND [ARGS...]",
    )
    parser.add_argument("platform", choices=sorted(EMULATORS), help="the platform to emulate")
    parser.add_argument(
        "--claim",
        type=_claim,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a claim in every token (VALUE is parsed as JSON when it can be); repeatable",
    )
    parser.add_argument(
        "--audience",
        action="append",
        default=[],
        help="platforms whose audience is configured (gitlab, bitbucket, terraform, ...): declare "
        "a token for this audience; repeatable",
    )
    parser.add_argument(
        "--lifetime", type=float, help="token lifetime in seconds (negative: already expired)"
    )
    parser.add_argument(
        "--fail-status",
        type=int,
        metavar="STATUS",
        help="the token service answers this HTTP status instead of a token",
    )
    parser.add_argument(
        "--fail-times",
        type=int,
        metavar="N",
        help="with --fail-status: fail only the first N requests",
    )
    parser.add_argument(
        "--no-permission",
        action="store_true",
        help="github: the job lacks `permissions: id-token: write`",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns COMMAND's exit status."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first `--` is the command, options included.
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        parser.error("give the command to run after --")
    options: dict[str, Any] = {"claims": dict(args.claim)}
    if args.lifetime is not None:
        options["lifetime"] = args.lifetime
    if args.fail_status is not None:
        options["faults"] = Faults(status=args.fail_status, times=args.fail_times)
    from . import FixedAudienceJob

    if args.platform == "gitlab":
        options["audiences"] = args.audience or ["pypi", "sigstore"]
    elif issubclass(EMULATORS[args.platform], FixedAudienceJob):
        options["audiences"] = args.audience
    elif args.audience:
        parser.error(
            "--audience applies to platforms whose audience is configured (gitlab, bitbucket, "
            "...): this one takes it at run time"
        )
    if args.no_permission:
        if args.platform != "github":
            parser.error("--no-permission applies to github only")
        options["id_token_permission"] = False

    with EMULATORS[args.platform](**options) as job:
        print(f"id.testing: emulating {args.platform}", file=sys.stderr)
        print(f"id.testing: issuer {job.issuer.url}", file=sys.stderr)
        print(
            f"id.testing: jwks {json.dumps(job.issuer.jwks(), separators=(',', ':'))}",
            file=sys.stderr,
        )
        sys.stderr.flush()
        try:
            return subprocess.call(command, env={**clean_environ(), **job.environ})
        except FileNotFoundError:
            print(f"id.testing: {command[0]}: command not found", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
