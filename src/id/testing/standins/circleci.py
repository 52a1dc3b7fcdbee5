#!/usr/bin/env python3
"""Stand-in for the `circleci` CLI: only `run oidc get --claims JSON [--root-issuer]`, which
asks the emulator named by ID_TESTING_CIRCLECI_OIDC_URL for a token."""

from __future__ import annotations

import json
import os
import sys

# The stand-in runs as a script, with `_post.py` beside it (`write_standin` copies it): importing
# it through `id.testing` would cost every call the emulators' imports.
from _post import command_parser, print_token  # type: ignore[import-not-found]


def main(argv: list[str]) -> int:
    """Parse the real CLI's flags and print the token, or an error on stderr."""
    parser, get = command_parser("circleci", "run", "oidc", "get")
    get.add_argument("--claims", default="{}")
    get.add_argument("--root-issuer", action="store_true")
    args = parser.parse_args(argv)

    try:
        claims = json.loads(args.claims)
    except ValueError:
        print("Error: --claims is not valid JSON", file=sys.stderr)
        return 1
    return int(
        print_token(
            os.environ.get("ID_TESTING_CIRCLECI_OIDC_URL", ""),
            {"claims": claims, "root_issuer": args.root_issuer},
            failure="Error: failed to get OIDC token: ",
            missing="Error: this command can only be run inside a CircleCI job",
        )
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
