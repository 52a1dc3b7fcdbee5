"""Checks for values from outside (variables, files, answers) before they become part of a request:
a header value or a URL with a line break in it would split the request, and `http.client` would
raise a `ValueError` holding the value."""

from __future__ import annotations

import re

# Visible ASCII, space and tab: what a header value or credential may hold.
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
# Visible ASCII without space: what a URL may hold (anything else is percent-encoded).
_URL = re.compile(r"[\x21-\x7e]*")


def header_value_problem(value: str) -> str | None:
    """Why `value` cannot be sent in an HTTP header (None when it can). Never quotes the value."""
    if _HEADER_VALUE.fullmatch(value):
        return None
    if "\r" in value or "\n" in value:
        return "holds a line break"
    return "holds a control or non-ASCII character"


def url_problem(url: str) -> str | None:
    """Why `url` cannot be sent as a request's URL (None when it can). Never quotes it."""
    if _URL.fullmatch(url):
        return None
    if "\r" in url or "\n" in url:
        return "holds a line break"
    return "holds a space, a control character or a non-ASCII character (percent-encode it)"


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` set in its query, keeping the rest of the query it already has
    (GitHub's request URL carries `api-version=2.0`, Forgejo's `placeholder=true`)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*kept, *params.items()])))


def is_ascii_number(text: str) -> bool:
    """Whether `text` is a non-negative integer in ASCII digits.

    `str.isdigit` alone also accepts characters such as "²" or "➊", which `int()` refuses.
    """
    return text.isascii() and text.isdigit()
