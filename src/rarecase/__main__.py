"""``python -m rarecase`` runs the command line."""

from rarecase.cli import main

if __name__ == "__main__":  # not again in the worker processes a batch spawns
    main()
