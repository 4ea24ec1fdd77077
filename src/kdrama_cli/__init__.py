"""kdrama: a command-line catalog of memorable K-drama scenes."""

__version__ = "0.1.0"

# Set by the shell when it asks for completions; read before anything heavy is imported.
COMPLETE_VAR = "_KDRAMA_COMPLETE"
