#!/usr/bin/env python3
"""Stand-in for the `circleci` CLI: only `run oidc get --claims JSON [--root-issuer]`, which
asks the emulator named by ID_TESTING_CIRCLECI_OIDC_URL for a token."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    """Parse the real CLI's flags and print the token, or an error on stderr."""
    parser = argparse.ArgumentParser(prog="circleci")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run").add_subparsers(dest="plugin", required=True)
    oidc = run.add_parser("oidc").add_subparsers(dest="oidc_command", required=True)
    get = oidc.add_parser("get")
    get.add_argument("--claims", default="{}")
    get.add_argument("--root-issuer", action="store_true")
    args = parser.parse_args(argv)

    try:
        claims = json.loads(args.claims)
    except ValueError:
        print("Error: --claims is not valid JSON", file=sys.stderr)
        return 1
    url = os.environ.get("ID_TESTING_CIRCLECI_OIDC_URL", "")
    if not url:
        print("Error: this command can only be run inside a CircleCI job", file=sys.stderr)
        return 1
    request = urllib.request.Request(  # noqa: S310 - the emulator's loopback URL
        url,
        data=json.dumps({"claims": claims, "root_issuer": args.root_issuer}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=120) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")
        print(f"Error: failed to get OIDC token: {exc.code} {detail}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"Error: failed to get OIDC token: {exc}", file=sys.stderr)
        return 1
    print(answer["token"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
