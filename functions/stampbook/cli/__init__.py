"""The owner's command line: one module per command group, registered in `main`."""

from .main import main

__all__ = ["main"]
