"""The entry point of ``kdrama`` and ``python -m kdrama_cli``.

Kept free of heavy imports: a shell asking to complete a name is answered from here
without loading Typer or Rich (see ``completion.py``).
"""

from __future__ import annotations

import os
import sys

from . import COMPLETE_VAR


def main() -> None:
    """Answer shell completion of names directly; hand everything else to the CLI."""
    if COMPLETE_VAR in os.environ:
        from .completion import complete

        answer = complete()
        if answer is not None:
            if answer.output:
                print(answer.output)
            sys.exit(answer.exit_code)
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
