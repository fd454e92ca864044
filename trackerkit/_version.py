"""The package version, at the bottom of the import graph (every module may import it)."""

__version__ = "0.2.0.dev0"
