"""`stampbook preview`: an issue or an email, as HTML and text files, in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from tests.support.paths import EXAMPLE

from .conftest import write


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "data" / "stampbook.db"))
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:00+03:00")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_issue_is_written_in_every_language_of_the_programme(desk: Path) -> None:
    out = desk / "preview"
    code, stdout, stderr = run("preview", "2026-12-winter-lots", "--out", str(out))
    assert code == 0, stderr
    names = ["2026-12-winter-lots.ru.html", "2026-12-winter-lots.ru.txt"]
    names += ["2026-12-winter-lots.en.html", "2026-12-winter-lots.en.txt"]
    assert stdout.split() == [str(out / name) for name in names]
    assert "ru: Зимние лоты уже в обжарке" in stderr
    text = (out / "2026-12-winter-lots.en.txt").read_text("utf-8")
    assert "Available: 1,250" in text  # the sample reader
    assert "Unsubscribe (https://mednaya-turka.example/preview/unsubscribe)" in text
    assert (out / "2026-12-winter-lots.ru.html").read_text("utf-8").startswith("<!doctype html>")


def test_an_email_for_a_customer_from_the_store(desk: Path) -> None:
    customers = write(desk / "c.csv", "email,name,locale\nboris@example.com,Boris,en\n")
    purchases = write(
        desk / "p.csv",
        "order_id,email,placed_at,line_id,category,amount\n"
        "T1,boris@example.com,2026-10-01 10:00,1,beans,1000\n",
    )
    assert run("customers", "import", str(customers))[0] == 0
    assert run("purchases", "import", str(purchases))[0] == 0
    out = desk / "preview"
    code, stdout, stderr = run(
        "preview", "win_back", "--as", "Boris@Example.com", "--out", str(out)
    )
    assert code == 0, stderr
    assert stdout.split() == [str(out / "win_back.en.html"), str(out / "win_back.en.txt")]
    assert "en: We miss you, Boris" in stderr
    text = (out / "win_back.en.txt").read_text("utf-8")
    assert "You have 100 points — enough for an espresso." in text  # 1000 ₽ of beans: 2 × 50


def test_a_holiday_greeting_by_its_id(desk: Path) -> None:
    out = desk / "preview"
    code, stdout, _ = run("preview", "holiday:womens-day", "--locale", "ru", "--out", str(out))
    assert code == 0
    assert stdout.split()[0] == str(out / "holiday-womens-day.ru.html")
    assert "С 8 Марта!" in (out / "holiday-womens-day.ru.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "'nope' is neither a newsletter (2026-12-winter-lots, 2027-01"),
        (["confirm", "--locale", "bg"], "bg not offered; the programme has ru, en"),
        (["confirm", "--as", "nobody@example.com"], "nobody@example.com is not in the customer"),
        (["holiday:easter"], "no greeting 'easter'"),
    ],
)
def test_what_cannot_be_previewed_is_said_plainly(
    desk: Path, args: list[str], message: str
) -> None:
    code, stdout, stderr = run("preview", *args, "--out", str(desk / "preview"))
    assert code == 1
    assert message in stderr
    assert stdout == ""
