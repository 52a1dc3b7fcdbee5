#!/usr/bin/env python3
"""Stand-in for `gcloud`: only `auth print-identity-token [--audiences=A]
[--impersonate-service-account=SA]`, answered by the emulator at ID_TESTING_GCLOUD_URL."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    """Parse gcloud's flags and print the token, or an error on stderr."""
    parser = argparse.ArgumentParser(prog="gcloud")
    groups = parser.add_subparsers(dest="group", required=True)
    auth = groups.add_parser("auth").add_subparsers(dest="command", required=True)
    token = auth.add_parser("print-identity-token")
    token.add_argument("--audiences", default="")
    token.add_argument("--impersonate-service-account", default="")
    token.add_argument("--include-email", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("ID_TESTING_GCLOUD_URL", "")
    body = {"audiences": args.audiences, "impersonate": args.impersonate_service_account}
    request = urllib.request.Request(  # noqa: S310 - the emulator's loopback URL
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as response:
            print(json.load(response)["token"])
    except urllib.error.HTTPError as exc:
        print(f"ERROR: (gcloud.auth.print-identity-token) {exc.read().decode()}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"ERROR: (gcloud.auth.print-identity-token) {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
