"""Keyword options declared once, as annotated class attributes with defaults.

An emulator's options are its fields: `repository: str = "octo-org/octo-repo"` in the class body
is the option, its type, its default and the attribute the emulator reads. The constructor takes
them by keyword only, refuses unknown ones, and then runs `__post_init__` for what is derived
(secrets, files). Type checkers see the same signature through `dataclass_transform`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_parameters: object) -> Any:
        return lambda cls: cls


@dataclass_transform(kw_only_default=True)
class Options:
    """Base of classes whose constructor is their declared options (see the module)."""

    _option_names: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Annotations are strings here (postponed evaluation), so ClassVar is read by name.
        declared = {
            name
            for name, annotation in getattr(cls, "__annotations__", {}).items()
            if not str(annotation).startswith(("ClassVar", "typing.ClassVar"))
            and hasattr(cls, name)
        }
        cls._option_names = cls._option_names | declared

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - self._option_names)
        if unknown:
            known = ", ".join(sorted(self._option_names))
            raise TypeError(f"{type(self).__name__} has no option {unknown[0]!r} (it has: {known})")
        # An option not given reads its default from the class.
        for name, value in options.items():
            setattr(self, name, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        """What the options imply (subclasses call `super().__post_init__()` first)."""
