"""HashiCorp Nomad workload identities: a task's tokens, one per identity, each for the audiences
its job spec fixes.

The default identity is `NOMAD_TOKEN` / `$NOMAD_SECRETS_DIR/nomad_token`; a named one is
`NOMAD_TOKEN_<name>` / `$NOMAD_SECRETS_DIR/nomad_<name>.jwt` (from Nomad's source: its docs name
only the default forms). Files come first: Nomad renews them, the variables only on restart.
`NOMAD_TOKEN` is also the nomad CLI's ACL token: a value that is not a JWT is neither used nor
shown. No identity for the audience asked for is a skip: the tokens exist for their own consumers.
"""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import choose
from ._base import Context, Provider, Skipped

SECRETS_DIR = "NOMAD_SECRETS_DIR"
DEFAULT_VARIABLE = "NOMAD_TOKEN"


class Nomad(Provider):
    """A Nomad task with workload identities."""

    name = "nomad"
    audience_at_run_time = False
    offline = True

    def identities(self, context: Context) -> list[tuple[str, str]]:
        """(where, token) for every identity the task holds, files first."""
        import os

        from ._file import read_token_file

        found: list[tuple[str, str]] = []
        folder = context.environ.get(SECRETS_DIR, "")
        if folder and os.path.isdir(folder):
            names = sorted(
                entry
                for entry in os.listdir(folder)
                if entry == "nomad_token" or (entry.startswith("nomad_") and entry.endswith(".jwt"))
            )
            for entry in names:
                path = os.path.join(folder, entry)
                try:
                    found.append(
                        (f"the file {path}", read_token_file(path, self.title, SECRETS_DIR))
                    )
                except AmbientCredentialError:
                    continue
        for variable in sorted(context.environ):
            if variable == DEFAULT_VARIABLE or variable.startswith(DEFAULT_VARIABLE + "_"):
                found.append((variable, context.environ[variable].strip()))
        for _, token in found:
            context.secrets.append(token)
        return found

    def fetch(self, audience: str, context: Context) -> str:
        """The token of the identity whose `aud` holds `audience`."""
        token, seen = choose(
            self.identities(context), audience, only_exact=context.audience_from_server
        )
        if token is not None:
            return token
        known = "; ".join(seen) or "the task holds no workload identity token"
        raise Skipped(
            f"no workload identity for {audience!r} ({known}). Add one to the task: "
            f'identity {{ name = "NAME"  aud = ["{audience}"]  file = true }}'
        )
