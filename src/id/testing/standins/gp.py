#!/usr/bin/env python3
"""Stand-in for Gitpod's `gp` CLI: only `idp token --audience AUD [--decode]`, which asks the
emulator named by ID_TESTING_GITPOD_URL for a token, as `gp` asks the workspace supervisor."""

from __future__ import annotations

import os
import sys

# The stand-in runs as a script, with `_post.py` beside it (`write_standin` copies it): importing
# it through `id.testing` would cost every call the emulators' imports.
from _post import command_parser, print_token  # type: ignore[import-not-found]


def main(argv: list[str]) -> int:
    """Parse the real CLI's flags and print the token, or an error on stderr."""
    parser, token_command = command_parser("gp", "idp", "token")
    token_command.add_argument("--audience", action="append", required=True)
    token_command.add_argument("--decode", action="store_true")
    args = parser.parse_args(argv)
    return int(
        print_token(
            os.environ.get("ID_TESTING_GITPOD_URL", ""),
            {"audience": args.audience},
            failure="gp: failed to get an ID token: ",
            missing="gp: not running in a Gitpod workspace",
            timeout=5,
        )
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
