"""Making an environment look like a machine with no platform: an emulated job is then the
only one `id` can detect."""

from __future__ import annotations

import os
from collections.abc import Mapping

# Variables that hold a token by the convention of PyPI's `id` (GitLab's `<AUD>_ID_TOKEN`).
_TOKEN_SUFFIXES = ("_ID_TOKEN",)


def platform_variables(environ: Mapping[str, str]) -> list[str]:
    """The names in `environ` that some provider's presence data names (every provider, opt-in
    ones included), or that hold a platform's token.

    Read from the registry's data, never by asking a provider: a machine whose DMI file says
    Google answers "present" whatever is asked, which would clear PATH and HOME too.
    """
    from ..providers import SPECS

    prefixes = tuple(prefix for spec in SPECS for prefix in spec.token_prefixes)
    return [
        name
        for name in environ
        if any(spec.names_variable(name) for spec in SPECS)
        or name.endswith(_TOKEN_SUFFIXES)
        or name.startswith(prefixes)
    ]


def clean_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `environ` (default: `os.environ`) without any platform's variables.

    A Google Cloud VM is still detected by its DMI product name, which no variable changes.
    """
    environ = os.environ if environ is None else environ
    drop = set(platform_variables(environ))
    return {name: value for name, value in environ.items() if name not in drop}
