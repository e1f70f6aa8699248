"""The example's story as `make demo` tells it: Anna's year at Copper Cezve, on its evening.

Run with the STAMPBOOK_* settings of the shop it goes into already set.
"""

from __future__ import annotations

from click.testing import CliRunner

from stampbook.cli.main import main

from .paths import EXAMPLE

EVENING = "2026-11-23T18:00:00+03:00"  # STAMPBOOK_NOW for the story
IMPORTS = EXAMPLE / "import-examples"


def tell_the_story() -> None:
    """Her customers and purchases imported, the night's run, a cappuccino for 200 points."""
    for command in (
        ["customers", "import", str(IMPORTS / "customers.csv"), "--confirmed-at", "sheet"],
        ["purchases", "import", str(IMPORTS / "purchases.csv")],
        ["daily"],
        ["redeem", "anna.petrova@example.com", "cappuccino"],
    ):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 0, done.output
