"""Making an environment look like a machine with no platform: an emulated job is then the
only one `id` can detect."""

from __future__ import annotations

import os
from collections.abc import Mapping


def platform_variables(environ: Mapping[str, str]) -> list[str]:
    """The names in `environ` that make some provider believe it is present, or hold a token."""
    from ..providers import PROVIDERS

    # Opt-in providers never answer unless asked by name, and some (AWS) are available anywhere.
    detecting = [provider for provider in PROVIDERS if not provider.opt_in]
    names = []
    for name, value in environ.items():
        single = {name: value}
        holds_token = name.endswith("_ID_TOKEN") or name.startswith(
            ("ACTIONS_ID_TOKEN_", "CIRCLE_OIDC_")
        )
        if holds_token or any(provider.detect(single) is not None for provider in detecting):
            names.append(name)
    return names


def clean_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `environ` (default: `os.environ`) without any platform's variables.

    A Google Cloud VM is still detected by its DMI product name, which no variable changes.
    """
    environ = os.environ if environ is None else environ
    drop = set(platform_variables(environ))
    return {name: value for name, value in environ.items() if name not in drop}
