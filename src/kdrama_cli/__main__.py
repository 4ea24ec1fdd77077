"""The entry point of ``kdrama`` and ``python -m kdrama_cli``.

Kept free of heavy imports: a shell asking to complete a name is answered from here
without loading Typer or Rich (see ``completion.py``).
"""

from __future__ import annotations

import gc
import os
import sys

from . import COMPLETE_VAR
from .streams import OutputError, guard, silence_stdout, write_error


def main() -> None:
    """Answer shell completion of names directly; hand everything else to the CLI.

    Starting allocates tens of thousands of objects that live until exit (modules,
    classes, Typer's and Click's): the cyclic garbage collector would scan them again
    and again as they pile up, and once more at exit. It is paused while kdrama loads,
    and what was loaded is then frozen out of its reach, which takes about a fifth
    off every short command and every TAB.
    """
    gc.disable()
    guard()
    if COMPLETE_VAR in os.environ:
        from .completion import complete

        answer = complete()
        if answer is not None:
            if answer.error:
                write_error(answer.error)
            sys.exit(_answer(answer.output, answer.exit_code))
    try:
        from .cli import main as run
    except KeyboardInterrupt:  # Ctrl-C while kdrama loads
        sys.exit(130)
    gc.freeze()
    gc.enable()
    run()


def _answer(output: str, code: int) -> int:
    """Print a completion answer; a shell that cannot take it gets the exit code."""
    try:
        if output:
            print(output)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return 141
    except OutputError:
        silence_stdout()
        return 1
    return code


if __name__ == "__main__":
    main()
