"""The time budget of one detection, shared by every request and subprocess it makes."""

from __future__ import annotations

import time
from _thread import get_ident

# typing.TYPE_CHECKING without importing typing (start-up time); type checkers read it alike.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, TypeVar

    T = TypeVar("T")

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
        """The deadline of the command running (`Deadline.shared`), else a new one set by
        `ID_TIMEOUT` (seconds), or the default of 30 seconds."""
        shared = _SHARED.get(get_ident())
        if shared is not None:
            return shared
        from ._settings import timeout_seconds

        seconds = timeout_seconds(environ)
        return cls(seconds)

    @classmethod
    def shared(cls, environ: Mapping[str, str]) -> _Shared:
        """A context manager: one deadline for everything a command does inside the block on
        this thread (detection, the exchange, the libraries `id` drives all read it through
        `from_environ`). Inside another such block, that one's deadline."""
        return _Shared(environ)

    def within(self, seconds: float) -> Deadline:
        """A deadline `seconds` from now, or this one if it ends sooner."""
        shorter = Deadline(seconds)
        if shorter._end >= self._end:
            return self
        return shorter

    def bound(self, call: Callable[[], T]) -> T:
        """`call()`, given at most the time left. A library's own time-outs bound each of its
        requests, not the time it spends looking for credentials first, so the call runs in a
        thread that is left behind (a daemon) when the time is up: `TimeoutError` then."""
        import threading

        outcome: list[tuple[bool, Any]] = []

        def run() -> None:
            try:
                outcome.append((True, call()))
            except BaseException as exc:  # handed to the caller's thread
                outcome.append((False, exc))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(self.remaining())
        if not outcome:
            raise TimeoutError
        ok, value = outcome[0]
        if not ok:
            raise value
        result: T = value
        return result

    def remaining(self) -> float:
        """Seconds left; never negative."""
        return max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        """Whether no time is left."""
        return self.remaining() <= 0.0

    def attempt_timeout(self) -> float:
        """The timeout for one connect, read or wait: bounded by what is left."""
        return min(MAX_ATTEMPT_TIMEOUT, self.remaining())


class _Shared:
    """`Deadline.shared`: sets the thread's command deadline for the block, unless one is set."""

    __slots__ = ("_environ", "_owner")

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ
        self._owner = False

    def __enter__(self) -> Deadline:
        outer = _SHARED.get(get_ident())
        if outer is not None:
            return outer
        deadline = _SHARED[get_ident()] = Deadline.from_environ(self._environ)
        self._owner = True
        return deadline

    def __exit__(self, *exc_info: object) -> None:
        if self._owner:
            del _SHARED[get_ident()]


# The deadline of the command or exchange running on each thread, if any: two threads of a
# service each running an exchange keep their own. (`_thread.get_ident` costs no import, where
# a context variable would cost the start-up of every command.)
_SHARED: dict[int, Deadline] = {}
