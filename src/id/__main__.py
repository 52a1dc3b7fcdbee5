"""`python -m id`: print an OIDC token for an audience.

Exit status: 0 a token was printed; 1 a platform was detected but gave no token (or another
error); 2 the command line is wrong; 3 no supported environment was detected.
"""

from __future__ import annotations

import os
import sys

from . import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

AUDIENCE_VARIABLE = "ID_OIDC_AUDIENCE"
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_DETECTED = 3


class Arguments:
    """What the command line asked for."""

    __slots__ = ("audience", "decode", "verbose")

    def __init__(self, audience: str | None, decode: bool, verbose: int) -> None:
        self.audience = audience
        self.decode = decode
        self.verbose = verbose

    def __repr__(self) -> str:
        return f"Arguments({self.audience!r}, decode={self.decode}, verbose={self.verbose})"


_VERBOSE = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3}
_DECODE = frozenset({"-d", "--decode"})


def parse_common(argv: Sequence[str]) -> Arguments | None:
    """Parse the usual command lines (`[-v...] [-d] [AUDIENCE]`) without argparse.

    Importing and building an argparse parser costs about 8 ms, more than everything else
    `python -m id` does when no platform is present. Anything this does not recognise (help,
    version, abbreviations, `--`, options it does not know) returns None and goes to argparse,
    which gives the same result for every command line this accepts.
    """
    audience: str | None = None
    decode = False
    verbose = 0
    for argument in argv:
        if argument in _VERBOSE:
            verbose += _VERBOSE[argument]
        elif argument in _DECODE:
            decode = True
        elif argument.startswith("-") or audience is not None:
            return None
        else:
            audience = argument
    return Arguments(audience, decode, verbose)


def parse(argv: Sequence[str]) -> Arguments:
    """Parse any command line; exits with status 2 on a usage error, as argparse does."""
    namespace = _parser().parse_args(argv)
    return Arguments(namespace.audience, namespace.decode, namespace.verbose)


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="id",
        description="Print an OIDC identity token for AUDIENCE from the CI platform or cloud "
        "workload this runs on.",
        epilog=f"exit status: {EXIT_OK} token printed, {EXIT_ERROR} a platform was detected "
        f"but gave no token, {EXIT_USAGE} usage error, {EXIT_NOT_DETECTED} no supported "
        "environment detected",
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="debug logging to stderr (tokens are never logged); -vv also logs other libraries",
    )
    parser.add_argument(
        "-d",
        "--decode",
        action="store_true",
        help="print the token's decoded header and payload (JSON, one per line) instead",
    )
    parser.add_argument(
        "audience",
        nargs="?",
        help=f"the audience the token is for (default: ${AUDIENCE_VARIABLE})",
    )
    return parser


def _configure_logging(verbosity: int) -> None:
    level = os.environ.get("ID_LOGLEVEL", "").strip().upper()
    if verbosity == 0 and not level:
        return
    import logging

    logging.basicConfig(format="%(name)s: %(levelname)s: %(message)s")
    package_logger = logging.getLogger("id")
    if level:
        try:
            package_logger.setLevel(level)
        except ValueError:
            print(f"id: ignoring ID_LOGLEVEL={level!r}: not a logging level", file=sys.stderr)
    if verbosity >= 1:
        package_logger.setLevel(logging.DEBUG)
    if verbosity >= 2:
        logging.getLogger().setLevel(logging.DEBUG)


def _fail(message: str, verbosity: int) -> None:
    if verbosity:
        import traceback

        traceback.print_exc()
    print(f"id: error: {message}", file=sys.stderr)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: `sys.argv[1:]`) and return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_common(argv) or parse(argv)
    audience = args.audience or os.environ.get(AUDIENCE_VARIABLE, "")
    if not audience.strip():
        _parser().error(f"give an AUDIENCE argument or set {AUDIENCE_VARIABLE}")
    _configure_logging(args.verbose)

    from ._detect import detect_credential
    from ._errors import IdentityError

    try:
        token = detect_credential(audience)
        if token is None:
            from .providers import PROVIDERS

            checked = ", ".join(provider.title for provider in PROVIDERS)
            print(
                f"id: no supported environment detected (checked: {checked}); "
                "run inside a CI job or cloud workload that issues OIDC tokens",
                file=sys.stderr,
            )
            return EXIT_NOT_DETECTED
        if args.decode:
            from ._jwt import decode_oidc_token

            header, payload, _signature = decode_oidc_token(token)
            sys.stdout.write(f"{header}\n{payload}\n")
        else:
            sys.stdout.write(f"{token}\n")
    except IdentityError as exc:
        _fail(str(exc), args.verbose)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("id: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug must still end in one readable line
        _fail(
            f"unexpected {type(exc).__name__}: {exc} (run with -v for a traceback; "
            "please report it)",
            args.verbose,
        )
        return EXIT_ERROR
    return EXIT_OK


def main() -> None:
    """Entry point of `python -m id` and of `pipx run id`."""
    sys.exit(run())


if __name__ == "__main__":
    main()
