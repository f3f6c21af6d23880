"""The one place the version is written; packaging and ``rarecase --version`` read it."""

__version__ = "0.1.0"
