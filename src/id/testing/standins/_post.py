"""What every stand-in CLI does to get its token: POST JSON to the emulator and read the token
from the JSON answer. Stand-ins run with the interpreter `id` is installed in, so they import
this; each words its failure as its real CLI does."""

from __future__ import annotations

import argparse
import json
import urllib.error
import urllib.request


class Failed(Exception):  # noqa: N818 - what happened
    """The token could not be had: the message is the status and answer, or the error."""


def post_for_token(
    url: str, body: object, *, headers: dict[str, str] | None = None, timeout: float = 120
) -> str:
    """POST `body` as JSON to `url` (no proxy: the emulator is on loopback) and return the
    answer's `token`; `Failed` otherwise."""
    request = urllib.request.Request(  # noqa: S310 - the emulator's loopback URL
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return str(json.load(response)["token"])
    except urllib.error.HTTPError as exc:
        raise Failed(f"{exc.code} {exc.read().decode('utf-8', 'replace')}") from None
    except (OSError, ValueError, KeyError) as exc:
        raise Failed(str(exc)) from None


def print_token(
    url: str,
    body: object,
    *,
    failure: str,
    missing: str = "",
    headers: dict[str, str] | None = None,
    timeout: float = 120,
) -> int:
    """`post_for_token`, printed on stdout (exit status 0), or `failure` and why on stderr
    (exit status 1), as the real CLIs do; without a `url`, the `missing` message."""
    import sys

    if not url and missing:
        print(missing, file=sys.stderr)
        return 1
    try:
        print(post_for_token(url, body, headers=headers, timeout=timeout))
    except Failed as exc:
        print(f"{failure}{exc}", file=sys.stderr)
        return 1
    return 0


def command_parser(
    prog: str, *path: str
) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """A parser for `prog` that accepts only the sub-command `path` (`oidc request-token`), as
    the real CLI's: the whole parser, and the sub-command's, to add its options to."""
    parser = argparse.ArgumentParser(prog=prog)
    current = parser
    for depth, name in enumerate(path):
        commands = current.add_subparsers(dest=f"command_{depth}", required=True)
        current = commands.add_parser(name)
    return parser, current
