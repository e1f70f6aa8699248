"""`python -m stampbook`: the same command line as `stampbook`."""

from stampbook.cli.main import main

main()
