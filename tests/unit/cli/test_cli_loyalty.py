"""The owner at the counter and at the desk: customers, purchases, points, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from tests.support.outbox import outbox
from tests.support.paths import EXAMPLE, FLORIST


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "data" / "stampbook.db"))
    # The counter's purchases and the nightly run send automatic emails.
    monkeypatch.setenv("STAMPBOOK_OUTBOX", str(tmp_path / "data" / "outbox"))
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEY_FILE", str(tmp_path / "data" / "signing-keys"))
    # 23 November 2026, evening in Moscow: the example orders are past their return window.
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:00+03:00")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


CUSTOMERS = (
    "email,name,locale,birthday,interests\n"
    "anna@example.com,Анна,ru,1990-05-17,espresso;tea\n"
    "Boris@Example.com,Boris,en,,\n"
)
PURCHASES = (
    "order_id,email,placed_at,line_id,category,amount,shipping\n"
    'T1,anna@example.com,2026-11-01 10:00,1,beans,"1 250,50",300\n'
    "T1,anna@example.com,2026-11-01 10:00,2,drinks,200,\n"
    "T2,boris@example.com,2026-11-20 12:00,1,gift-cards,3000,\n"
)


def test_a_bad_row_imports_nothing_unless_asked(desk: Path) -> None:
    file = write(desk, "c.csv", CUSTOMERS + "not-an-email,X,ru,,\n")
    code, _, err = run("customers", "import", file)
    assert code == 1
    assert "row 4, column email: 'not-an-email' is not an email address" in err
    assert "nothing was imported" in err
    code, out, _ = run("customers", "export")
    assert out.strip().count("\n") == 0  # the header only
    code, out, _ = run("customers", "import", file, "--skip-invalid")
    assert (code, out.strip()) == (0, "imported 2 customer(s); 0 already in the customer file")


def test_purchases_import_once_and_points_show_the_rules_at_work(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    file = write(desk, "p.csv", PURCHASES)
    code, out, _ = run("purchases", "import", file)
    assert (code, out.strip()) == (0, "3 row(s), 2 order(s) recorded")
    code, out, _ = run("purchases", "import", file)
    assert (code, out.strip()) == (0, "3 row(s), 0 order(s) recorded, 2 already recorded")

    code, out, _ = run("points", "anna@example.com", "--format", "json")
    statement = json.loads(out)
    # 1 250,50 ₽ of beans earn double: (2 501 + 200) * 5 / 100 = 135,05 -> 135 (rounded down).
    assert (statement["available"], statement["pending"]) == (135, 0)
    code, out, _ = run("points", "boris@example.com", "--format", "json")
    assert json.loads(out)["available"] == 0  # gift cards earn nothing


def test_counter_purchase_refund_and_redemption(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    run("purchases", "import", write(desk, "p.csv", PURCHASES))
    code, out, _ = run("refund", "anna@example.com", "T1", "--line", "2")
    assert (code, out.strip()) == (0, "refund of T1: 10 points taken back")
    code, out, _ = run("redeem", "anna@example.com", "espresso")
    assert (code, out.strip()) == (0, "espresso: 120 points spent, 5 left")
    code, _, err = run("redeem", "anna@example.com", "espresso")
    assert code == 1
    assert err.strip() == "refused: 'espresso' costs 120 points; 5 available"
    code, out, _ = run(
        "purchase", "boris@example.com", "5000", "--category", "beans", "--order", "C1"
    )
    assert (code, out.strip()) == (
        0,
        "order C1: 500 points, available from 2026-12-07; tier guest",
    )


def test_unknown_customers_and_rewards_are_refused_without_a_traceback(desk: Path) -> None:
    code, _, err = run("points", "nobody@example.com")
    assert code == 1
    assert "nobody@example.com is not in the customer file" in err
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    code, _, err = run("redeem", "anna@example.com", "yacht")
    assert (code, err.strip()) == (1, "refused: there is no reward 'yacht'")


def test_export_carries_consent_tier_and_points(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    run("purchases", "import", write(desk, "p.csv", PURCHASES))
    assert run("daily")[1].strip() == "nightly run done for 2 customer(s)"
    target = desk / "export.csv"
    code, out, _ = run("customers", "export", str(target))
    assert (code, out.strip()) == (0, f"exported 2 customer(s) to {target}")
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(target.read_text("utf-8")))}
    assert rows["anna@example.com"]["points_available"] == "135"
    assert rows["anna@example.com"]["interests"] == "espresso;tea"
    assert rows["anna@example.com"]["tier"] == "guest"
    assert rows["boris@example.com"]["name"] == "Boris"


def test_a_year_later_the_nightly_run_expires_unused_points(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    run("purchases", "import", write(desk, "p.csv", PURCHASES))
    monkeypatch.setenv("STAMPBOOK_NOW", "2027-11-02T03:00:00+03:00")
    run("daily")
    code, out, _ = run("points", "anna@example.com", "--format", "json")
    statement = json.loads(out)
    assert (code, statement["available"], statement["entries"][-1]["kind"]) == (0, 0, "expire")


def test_a_clock_without_an_offset_is_refused(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAMPBOOK_NOW", "2027-01-01 03:00")
    code, _, err = run("daily")
    assert code == 1
    assert "needs a UTC offset" in err


def test_the_whole_customer_file_leaves_as_json_lines(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    run("purchases", "import", write(desk, "p.csv", PURCHASES))
    run("refund", "anna@example.com", "T1", "--line", "2")
    target = desk / "everything.jsonl"
    code, out, _ = run("customers", "export", str(target), "--format", "jsonl")
    assert (code, out.strip()) == (0, f"exported 2 customer(s) to {target}")
    records = {
        r["customer"]["email"]: r for r in map(json.loads, target.read_text("utf-8").splitlines())
    }
    anna = records["anna@example.com"]
    assert anna["customer"]["name"] == "Анна"
    assert anna["points"] == {"available": 125, "pending": 0, "total": 125, "tier": "guest"}
    assert [line["amount"] for line in anna["orders"][0]["lines"]] == ["1250.50", "200"]
    assert anna["refunds"][0]["lines"] == {"2": "200"}
    assert [(e["kind"], e["points"]) for e in anna["ledger"]] == [("earn", 135), ("clawback", -10)]
    assert records["boris@example.com"]["orders"][0]["order_id"] == "T2"


def test_a_till_key_is_shown_once_listed_by_name_and_revoked(desk: Path) -> None:
    code, out, _ = run("keys", "add", "till at the café")
    assert code == 0
    key_id, token = out.split()[1], out.splitlines()[-1]
    assert token.startswith(f"sbk_{key_id}_")
    code, listed, _ = run("keys", "list")
    assert key_id in listed
    assert "till at the café" in listed
    assert "active" in listed
    assert token not in listed
    assert run("keys", "revoke", key_id)[0] == 0
    assert "revoked" in run("keys", "list")[1]
    code, _, err = run("keys", "revoke", key_id)
    assert code != 0
    assert "no active key" in err


def test_the_counter_thanks_and_the_nightly_run_says_what_it_sent(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    code, _, _ = run(
        "purchase", "anna@example.com", "21000", "--category", "beans", "--order", "B1"
    )
    assert code == 0
    assert outbox_subjects(desk) == ["Спасибо за покупку!"]
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-12-10T03:00:00+03:00")  # past the return window
    assert run("daily")[1].splitlines() == [
        "nightly run done for 2 customer(s)",
        "automatic emails sent: 1 certificate_issued",
    ]
    assert run("daily")[1].splitlines() == ["nightly run done for 2 customer(s)"]
    assert outbox_subjects(desk)[1:] == ["Ваш сертификат на 2 500,00 ₽"]


def outbox_subjects(desk: Path) -> list[str]:
    return [str(m["Subject"]) for m in outbox(desk / "data" / "outbox")]


def test_points_shows_times_on_the_businesss_clock(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    code, _, err = run("purchase", "anna@example.com", "900", "--category", "beans")
    assert code == 0, err
    code, out, _ = run("points", "anna@example.com")
    # 18:00 in Moscow, where the café is (15:00 UTC).
    assert "  2026-11-23 18:00  earn      +90" in out.splitlines()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("12.345", "--category", "beans"), "'12.345' has more than 2 decimals"),
        (("abc", "--category", "beans"), "'abc' is not an amount"),
        (("900", "--category", "bean"), "no category 'bean'; did you mean 'beans'?"),
        (("900", "--category", "beans", "--shipping", "x"), "'x' is not an amount"),
        (("--category", "beans", "--", "-900"), "'-900' is negative"),
    ],
)
def test_a_typo_at_the_counter_is_one_line_and_records_nothing(
    desk: Path, args: tuple[str, ...], said: str
) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    code, out, err = run("purchase", "anna@example.com", *args)
    assert code == 2
    assert said in err
    assert "Traceback" not in err + out
    assert run("points", "anna@example.com")[1].splitlines()[1:] == []  # no history


def test_a_refund_amount_needs_its_line(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    code, _, err = run("refund", "anna@example.com", "O-1", "--amount", "10")
    assert code == 2
    assert "--amount refunds part of one line: give the line with --line" in err


def test_points_link_opens_the_customers_own_page_for_the_programmes_days(desk: Path) -> None:
    from stampbook.mail.tokens import Keyring, Purpose, parse_keys

    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    code, out, err = run("points", "anna@example.com", "--link")
    assert code == 0, err
    page, _, token = out.strip().partition("?t=")
    assert page == "https://mednaya-turka.example/points/"  # Anna reads Russian: the root
    keys = (desk / "data" / "signing-keys").read_text().strip()
    claim = Keyring(parse_keys(keys)).verify(
        token, Purpose.POINTS, datetime.fromisoformat("2026-11-23T18:00:00+03:00")
    )
    assert claim.expires == datetime.fromisoformat("2027-02-21T18:00:00+03:00")  # 90 days


def test_a_business_in_whole_drams_refuses_luma_at_the_counter(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(FLORIST))
    code, out, err = run("purchase", "anna@example.com", "12500.50", "--category", "bouquets")
    assert code == 2
    assert "'12500.50' is not a whole amount; this programme uses no decimals" in err
    assert "Traceback" not in err + out
    purchases = "order_id,email,placed_at,line_id,category,amount\n"
    row = "F1,anna@example.com,2026-11-20 12:00,1,bouquets,12500.5\n"
    code, _, err = run("purchases", "import", write(desk, "p.csv", purchases + row))
    assert code == 1
    assert "row 2, column amount: '12500.5' is not a whole amount" in err


def test_after_part_of_an_order_comes_back_the_rest_can_follow(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    run("purchases", "import", write(desk, "p.csv", PURCHASES))
    code, out, err = run("refund", "anna@example.com", "T1", "--line", "1", "--amount", "250.50")
    assert code == 0, err
    # The rest of the order: 1 000 of line 1 and all 200 of line 2, not the whole again.
    code, out, err = run("refund", "anna@example.com", "T1")
    assert code == 0, err
    assert out.startswith("refund of T1: ")
    code, _, err = run("refund", "anna@example.com", "T1")
    assert (code, err.strip()) == (1, "Error: order T1 is refunded in full already")


def test_an_order_of_nobody_known_is_shown_at_its_row(desk: Path) -> None:
    run("customers", "import", write(desk, "c.csv", CUSTOMERS))
    rows = PURCHASES + "T9,zoe@example.com,2026-11-21 09:00,1,beans,500,\n"
    code, _, err = run("purchases", "import", write(desk, "p.csv", rows))
    assert code == 1
    # The header is row 1; Zoe's order is the fifth line of the file.
    assert "row 5, column email: zoe@example.com (order T9) is not a customer" in err


def test_an_imported_customer_known_for_years_gets_this_years_birthday(desk: Path) -> None:
    # Today (23 November) is their birthday; the old system knew it since 2024.
    rows = (
        "email,name,locale,birthday,created_at\n"
        "vera@example.com,Вера,ru,1991-11-23,2024-03-01\n"
        "new@example.com,Нина,ru,1991-11-23,\n"
    )
    code, _, err = run("customers", "import", write(desk, "c.csv", rows))
    assert code == 0, err
    run("daily")
    vera = run("points", "vera@example.com")[1]
    nina = run("points", "new@example.com")[1]
    assert "birthday" in vera
    assert "birthday" not in nina  # known from today: next year, after the waiting period
