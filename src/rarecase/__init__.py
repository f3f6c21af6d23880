"""rarecase: from a clinical case description to a coded, reasoned case."""

from rarecase._version import __version__

__all__ = ["__version__"]
