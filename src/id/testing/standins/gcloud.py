#!/usr/bin/env python3
"""Stand-in for `gcloud`: only `auth print-identity-token [--audiences=A]
[--impersonate-service-account=SA]`, answered by the emulator at ID_TESTING_GCLOUD_URL."""

from __future__ import annotations

import os
import sys

# The stand-in runs as a script, with `_post.py` beside it (`write_standin` copies it): importing
# it through `id.testing` would cost every call the emulators' imports.
from _post import command_parser, print_token  # type: ignore[import-not-found]


def main(argv: list[str]) -> int:
    """Parse gcloud's flags and print the token, or an error on stderr."""
    parser, token = command_parser("gcloud", "auth", "print-identity-token")
    token.add_argument("--audiences", default="")
    token.add_argument("--impersonate-service-account", default="")
    token.add_argument("--include-email", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("ID_TESTING_GCLOUD_URL", "")
    body = {"audiences": args.audiences, "impersonate": args.impersonate_service_account}
    return int(
        print_token(url, body, failure="ERROR: (gcloud.auth.print-identity-token) ", timeout=60)
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
