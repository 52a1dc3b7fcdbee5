"""GitLab CI: ID tokens declared under `id_tokens:` arrive as environment variables."""

from __future__ import annotations

from .._errors import AmbientCredentialError
from ._audience import choose
from ._base import Context, Provider

_UNSAFE = r"[^A-Z0-9_]|^[^A-Z_]"
_PLAIN_YAML = r"[A-Za-z][A-Za-z0-9_.-]*"


def variable_name(audience: str) -> str:
    """The variable holding the token for `audience`: `<AUD>_ID_TOKEN`.

    `<AUD>` is the audience upper-cased with every character outside `A-Z0-9_` replaced by `_`,
    and a leading digit replaced (not prefixed) by `_`: the convention of PyPI's `id`, which
    GitLab's documentation for trusted publishing follows (`pypi` -> `PYPI_ID_TOKEN`).
    """
    import re

    return re.sub(_UNSAFE, "_", audience.upper()) + "_ID_TOKEN"


def _yaml_scalar(text: str) -> str:
    import json
    import re

    # A JSON string is a valid YAML double-quoted scalar.
    return text if re.fullmatch(_PLAIN_YAML, text) else json.dumps(text)


class GitLabCI(Provider):
    """A GitLab CI/CD job (gitlab.com or self-managed)."""

    name = "gitlab"
    audience_at_run_time = False
    offline = True

    def fetch(self, audience: str, context: Context) -> str:
        """Read `<AUD>_ID_TOKEN`; else another `*_ID_TOKEN` whose `aud` holds the audience
        (`id_tokens:` names are the pipeline author's choice), unless a server chose the
        audience; else say what each holds and which
        `id_tokens:` lines to add. A token is never quoted."""
        name = variable_name(audience)
        token = context.environ.get(name, "").strip()
        if token:
            return token
        chosen, others = choose(self._other_id_tokens(context, exclude=name), audience)
        if chosen is not None and not context.audience_from_server:
            return chosen
        state = "is empty" if name in context.environ else "is not set"
        if context.audience_from_server:
            state += (
                " (the audience was chosen by the server, so tokens declared under other names "
                "are not used for it)"
            )
        found = f" ({'; '.join(others)})" if others else ""
        raise AmbientCredentialError(
            f"no ID token for audience {audience!r}: the variable {name} {state}"
            f"{found}. Declare it in .gitlab-ci.yml, in the job that needs it:\n"
            f"  id_tokens:\n    {name}:\n      aud: {_yaml_scalar(audience)}"
        )

    @staticmethod
    def _other_id_tokens(context: Context, exclude: str) -> list[tuple[str, str]]:
        """(variable, token) of every other `*_ID_TOKEN` variable with a value, each registered
        as a secret."""
        found = []
        for variable in sorted(context.environ):
            value = context.environ[variable].strip()
            if variable.endswith("_ID_TOKEN") and variable != exclude and value:
                context.secrets.append(value)
                found.append((variable, value))
        return found
