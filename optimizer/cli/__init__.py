"""Command line: argument parsing and printing only; the work is in the library."""

from optimizer.cli.main import main

__all__ = ["main"]
