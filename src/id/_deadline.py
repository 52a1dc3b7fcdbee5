"""The time budget of one detection, shared by every request and subprocess it makes."""

from __future__ import annotations

import time

from ._errors import AmbientCredentialError

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

TIMEOUT_VARIABLE = "ID_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
# No single connect, read or subprocess wait may use more than this, so that a stuck attempt
# leaves time for a retry within the overall deadline.
MAX_ATTEMPT_TIMEOUT = 10.0


class Deadline:
    """A point in time after which a detection gives up."""

    __slots__ = ("_end", "total")

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self._end = time.monotonic() + seconds

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Deadline:
        """The deadline set by `ID_TIMEOUT` (seconds), or the default of 30 seconds."""
        raw = environ.get(TIMEOUT_VARIABLE, "").strip()
        if not raw:
            return cls(DEFAULT_TIMEOUT)
        try:
            seconds = float(raw)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= 3600:
            raise AmbientCredentialError(
                f"{TIMEOUT_VARIABLE}={raw!r} is not valid: set it to a number of seconds "
                "between 0 and 3600, or unset it for the default of 30"
            )
        return cls(seconds)

    def within(self, seconds: float) -> Deadline:
        """A deadline `seconds` from now, or this one if it ends sooner."""
        shorter = Deadline(seconds)
        if shorter._end >= self._end:
            return self
        return shorter

    def remaining(self) -> float:
        """Seconds left; never negative."""
        return max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= 0.0

    def attempt_timeout(self) -> float:
        """The timeout for one connect, read or wait: bounded by what is left."""
        return min(MAX_ATTEMPT_TIMEOUT, self.remaining())
