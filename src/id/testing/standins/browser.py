#!/usr/bin/env python3
"""Stand-in for a person's web browser, for `BROWSER`: opens the URL it is given and follows the
redirects, as a browser does when the person is already signed in with the provider."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    """Open argv[0]; print the final page's status on stderr."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(argv[0], timeout=60) as response:
            response.read()
            print(f"browser: {response.status} {response.url}", file=sys.stderr)
    except urllib.error.HTTPError as exc:
        print(f"browser: {exc.code} {exc.url}", file=sys.stderr)
    except OSError as exc:
        print(f"browser: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
