#!/usr/bin/env python3
"""Stand-in for `buildkite-agent`: only `oidc request-token`, which asks the agent API for a
token as the real agent does (POST $BUILDKITE_AGENT_ENDPOINT/jobs/$BUILDKITE_JOB_ID/oidc/tokens)."""

from __future__ import annotations

import os
import sys

# The stand-in runs as a script, with `_post.py` beside it (`write_standin` copies it): importing
# it through `id.testing` would cost every call the emulators' imports.
from _post import command_parser, print_token  # type: ignore[import-not-found]


def main(argv: list[str]) -> int:
    """Parse the real agent's flags and print the token, or an error on stderr."""
    parser, request_token = command_parser("buildkite-agent", "oidc", "request-token")
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
    url = f"{endpoint}/jobs/{job_id}/oidc/tokens"
    return int(
        print_token(
            url,
            body,
            failure=f"fatal: failed to get OIDC token: POST {url}: ",
            headers={"Authorization": f"Token {access_token}"},
        )
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
