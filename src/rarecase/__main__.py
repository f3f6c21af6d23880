"""``python -m rarecase`` runs the command line."""

from rarecase.cli import main

main()
