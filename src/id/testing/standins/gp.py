#!/usr/bin/env python3
"""Stand-in for Gitpod's `gp` CLI: only `idp token --audience AUD [--decode]`, which asks the
emulator named by ID_TESTING_GITPOD_URL for a token, as `gp` asks the workspace supervisor."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    """Parse the real CLI's flags and print the token, or an error on stderr."""
    parser = argparse.ArgumentParser(prog="gp")
    commands = parser.add_subparsers(dest="command", required=True)
    idp = commands.add_parser("idp").add_subparsers(dest="idp_command", required=True)
    token = idp.add_parser("token")
    token.add_argument("--audience", action="append", required=True)
    token.add_argument("--decode", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("ID_TESTING_GITPOD_URL", "")
    if not url:
        print("gp: not running in a Gitpod workspace", file=sys.stderr)
        return 1
    request = urllib.request.Request(  # noqa: S310 - the emulator's loopback URL
        url,
        data=json.dumps({"audience": args.audience}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        print(f"gp: failed to get an ID token: {exc.code}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"gp: failed to get an ID token: {exc}", file=sys.stderr)
        return 1
    print(answer["token"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
