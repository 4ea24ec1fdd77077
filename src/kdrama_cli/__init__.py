"""kdrama: a command-line catalog of memorable K-drama scenes."""

__version__ = "0.1.0"
