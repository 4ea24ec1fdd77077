"""Run kdrama as ``python -m kdrama_cli``."""

from kdrama_cli.cli import main

main()
