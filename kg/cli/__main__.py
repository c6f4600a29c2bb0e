"""``python -m kg.cli`` runs the ``kg`` command (useful where the console script is not on PATH)."""

from kg.cli import main

main()
