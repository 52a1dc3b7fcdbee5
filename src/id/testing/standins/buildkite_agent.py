#!/usr/bin/env python3
"""Stand-in for `buildkite-agent`: only `oidc request-token`, which asks the agent API for a
token as the real agent does (POST $BUILDKITE_AGENT_ENDPOINT/jobs/$BUILDKITE_JOB_ID/oidc/tokens)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    """Parse the real agent's flags and print the token, or an error on stderr."""
    parser = argparse.ArgumentParser(prog="buildkite-agent")
    commands = parser.add_subparsers(dest="command", required=True)
    oidc = commands.add_parser("oidc").add_subparsers(dest="oidc_command", required=True)
    request_token = oidc.add_parser("request-token")
    request_token.add_argument("--audience", default="")
    request_token.add_argument("--lifetime", type=int, default=0)
    request_token.add_argument("--claim", default="")
    args = parser.parse_args(argv)

    endpoint = os.environ.get("BUILDKITE_AGENT_ENDPOINT", "https://agent.buildkite.com/v3")
    access_token = os.environ.get("BUILDKITE_AGENT_ACCESS_TOKEN", "")
    job_id = os.environ.get("BUILDKITE_JOB_ID", "")
    if not access_token or not job_id:
        print(
            "fatal: failed to get OIDC token: BUILDKITE_AGENT_ACCESS_TOKEN and BUILDKITE_JOB_ID "
            "must be set",
            file=sys.stderr,
        )
        return 1
    body: dict[str, object] = {"audience": args.audience}
    if args.lifetime:
        body["lifetime"] = args.lifetime
    if args.claim:
        body["claims"] = args.claim.split(",")
    request = urllib.request.Request(  # noqa: S310 - the emulator's loopback URL
        f"{endpoint}/jobs/{job_id}/oidc/tokens",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {access_token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=120) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")
        print(
            f"fatal: failed to get OIDC token: POST {exc.url}: {exc.code} {detail}", file=sys.stderr
        )
        return 1
    except (OSError, ValueError) as exc:
        print(f"fatal: failed to get OIDC token: {exc}", file=sys.stderr)
        return 1
    print(answer["token"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
