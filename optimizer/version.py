"""The package version, importable from every layer (optimizer/__init__ re-exports it)."""

__version__ = "0.1.0"
