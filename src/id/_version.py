"""The package's version, in a module of its own so that any module can import it without
importing the package's public API."""

__version__ = "2.0.0"
