"""Referrals from the command line: recorded at the counter, or with the customer file."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from .test_cli_loyalty import desk, run, write

__all__ = ["desk"]  # the fixture, used by name

CUSTOMERS = (
    "email,name,locale,referred_by\n"
    "anna@example.com,Анна,ru,\n"
    "boris@example.com,Boris,en,anna@example.com\n"
    "clara@example.com,Clara,ru,\n"
)


def referrers(desk: Path) -> dict[str, str | None]:
    """Email -> the referrer's email, as the SQLite file holds them."""
    with sqlite3.connect(desk / "data" / "stampbook.db") as db:
        rows = db.execute(
            "SELECT c.email, r.email FROM customers AS c"
            " LEFT JOIN customers AS r ON r.customer_id = c.referred_by"
        ).fetchall()
    return dict(rows)


def code_of(desk: Path, email: str) -> str:
    with sqlite3.connect(desk / "data" / "stampbook.db") as db:
        (code,) = db.execute(
            "SELECT referral_code FROM customers WHERE email=?", (email,)
        ).fetchone()
    return str(code)


def test_the_customer_file_names_referrers_by_email_in_the_same_file(desk: Path) -> None:
    code, out, err = run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    assert (code, err) == (0, "")
    assert "imported 3 customer(s)" in out
    assert referrers(desk) == {
        "anna@example.com": None,
        "boris@example.com": "anna@example.com",
        "clara@example.com": None,
    }


def test_bad_referrers_are_reported_by_row_and_column_and_nothing_is_imported(desk: Path) -> None:
    run("customers", "import", write(desk, "first.csv", "email,name\nanna@example.com,Анна\n"))
    anna_code = code_of(desk, "anna@example.com")
    rows = (
        "email,referred_by\n"
        f"dima@example.com,{anna_code.lower()}\n"  # a code, typed in lower case: fine
        "eva@example.com,NOSUCH22\n"
        "gleb@gmail.com,gleb@gmail.com\n"
        "g.l.e.b+two@gmail.com,gleb@gmail.com\n"  # the same mailbox
        "hanna@example.com,not an address@\n"
    )
    code, _, err = run("customers", "import", write(desk, "c.csv", rows))
    assert code == 1
    assert (
        "row 3, column referred_by: no customer with the email or referral code 'NOSUCH22'" in err
    )
    assert "row 4, column referred_by: a customer cannot refer themselves" in err
    assert "row 5, column referred_by: a customer cannot refer themselves" in err
    assert "row 6, column referred_by: 'not an address@' is not an email address" in err
    assert err.index("row 3,") < err.index("row 6,")  # in the file's order
    assert "row 2," not in err
    assert "nothing was imported" in err
    assert set(referrers(desk)) == {"anna@example.com"}


def test_the_counter_records_a_referral_once_and_says_when_it_changes_nothing(
    desk: Path,
) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    clara_code = code_of(desk, "clara@example.com")

    code, out, _ = run("referral", "record", "clara@example.com", "--by", "boris@example.com")
    assert (code, out) == (0, "clara@example.com was referred by boris@example.com\n")

    code, _, err = run("referral", "record", clara_code, "--by", "anna@example.com")
    assert code == 1
    assert "clara@example.com was referred by boris@example.com already; nothing changed" in err
    code, _, err = run("referral", "record", "anna@example.com", "--by", "ANNA@example.com")
    assert code == 1
    assert "cannot refer themselves; nothing changed" in err
    code, _, err = run("referral", "record", "anna@example.com", "--by", "nobody@example.com")
    assert code == 1
    assert "no customer with the email or referral code nobody@example.com" in err
    assert "Traceback" not in err
    assert referrers(desk)["clara@example.com"] == "boris@example.com"
    assert referrers(desk)["anna@example.com"] is None


def test_the_export_names_each_referrer_by_email(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    exported = desk / "export.csv"
    assert run("customers", "export", str(exported))[0] == 0
    with exported.open(encoding="utf-8") as stream:
        rows = {row["email"]: row["referred_by"] for row in csv.DictReader(stream)}
    assert rows == {
        "anna@example.com": "",
        "boris@example.com": "anna@example.com",
        "clara@example.com": "",
    }
