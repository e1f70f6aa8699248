"""The owner's campaign commands, end to end on a SQLite file and the outbox folder."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.cli.main import main
from tests.support.long_issue import LONG_ISSUE, write_long_issue
from tests.support.paths import EXAMPLE
from tests.support.people import ISSUE

CUSTOMERS = (
    "email,name,locale\n"
    "anna@example.com,Анна,ru\n"
    "boris@example.com,Boris,en\n"
    "vera@example.com,Вера,ru\n"
)


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "stampbook.db"))
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:00+03:00")
    monkeypatch.setenv("STAMPBOOK_MAIL", "outbox")
    monkeypatch.setenv("STAMPBOOK_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEYS", "k1:" + "s" * 43)
    monkeypatch.setenv("STAMPBOOK_SEND_RATE", "2")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_imported_without_consent_nobody_is_sent_to(desk: Path) -> None:
    run("customers", "import", str(desk / "customers.csv"))
    code, out, _ = run("send", ISSUE, "--dry-run")
    assert (code, out.splitlines()[0]) == (0, f"{ISSUE}: 0 people would receive it")


def test_send_dry_run_then_for_real_then_the_list(desk: Path) -> None:
    code, out, _ = run(
        "customers", "import", str(desk / "customers.csv"), "--confirmed-at", "old tool"
    )
    assert code == 0
    code, out, err = run("send", ISSUE, "--dry-run")
    lines = out.splitlines()
    assert lines[:5] == [
        f"{ISSUE}: 3 people would receive it",
        "  en   guest                   1",
        "  ru   guest                   2",
        "at the configured rate: about 0:00:02",
        "HTML as sent, 7-bit and 8bit (Gmail clips past 102 KB):",
    ]
    # The example issue is far from it: a size per language, and no warning.
    assert [line.split()[0] for line in lines[5:]] == ["ru", "en"]
    assert all(re.fullmatch(r"  \w+ +\d+\.\d KB +\d+\.\d KB", line) for line in lines[5:])
    assert "Gmail" not in err
    assert not (desk / "outbox").exists()
    code, out, _ = run("send", ISSUE)
    assert (code, out.strip()) == (
        0,
        f"{ISSUE} is scheduled for 2026-12-03 10:00:00+03:00;"
        f" `stampbook send {ISSUE} --now` sends it now",
    )
    code, out, err = run("send", ISSUE, "--now")
    assert code == 0, err
    assert out.strip() == f"{ISSUE}: finished; audience 3, sent 3, skipped 0, failed 0"
    assert "3/3  sent 3  skipped 0  failed 0" in err  # the progress bar's last state
    index = (desk / "outbox" / "index.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["to"] for line in index) == [
        "anna@example.com",
        "boris@example.com",
        "vera@example.com",
    ]
    code, out, _ = run("campaigns")
    rows = [line.split() for line in out.splitlines()[1:]]
    assert rows == [
        [ISSUE, "finished", "3", "3", "0", "0", "0", "0", "0"],
        ["2027-01-regulars-cupping", "draft", "0", "0", "0", "0", "0", "0", "0"],
    ]
    code, _, err = run("pause", ISSUE)
    assert code == 1
    assert err.strip() == (
        f"refused: campaign {ISSUE} is finished; it can become paused only from sending"
    )
    code, _, err = run("send", "no-such-issue", "--now")
    assert code == 1
    assert "refused: no newsletter 'no-such-issue'" in err


def test_cancel_before_sending(desk: Path) -> None:
    run("customers", "import", str(desk / "customers.csv"), "--confirmed-at", "old tool")
    code, out, _ = run("cancel", ISSUE)
    assert (code, out.strip()) == (
        0,
        f"{ISSUE}: cancelled; audience 0, sent 0, skipped 0, failed 0 (cancelled by the owner)",
    )
    code, _, err = run("send", ISSUE, "--now")
    assert code == 1
    assert "is cancelled" in err
    assert not (desk / "outbox").exists()


def test_a_scheduled_issue_goes_out_once_its_time_has_come(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("customers", "import", str(desk / "customers.csv"), "--confirmed-at", "old tool")
    assert run("send", ISSUE)[1].startswith(f"{ISSUE} is scheduled for 2026-12-03")
    code, out, _ = run("send-due")
    assert (code, out.strip()) == (0, "no scheduled newsletter is due")  # still November
    assert not (desk / "outbox").exists()
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-12-03T10:05:00+03:00")
    code, out, err = run("send-due")
    assert code == 0, err
    assert out.strip() == f"{ISSUE}: finished; audience 3, sent 3, skipped 0, failed 0"
    assert run("send-due")[1].strip() == "no scheduled newsletter is due"  # sent once only
    assert len((desk / "outbox" / "index.jsonl").read_text().splitlines()) == 3


def test_a_cancelled_schedule_is_not_sent(desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("customers", "import", str(desk / "customers.csv"), "--confirmed-at", "old tool")
    run("send", ISSUE)
    assert run("cancel", ISSUE)[0] == 0
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-12-04T10:00:00+03:00")
    assert run("send-due")[1].strip() == "no scheduled newsletter is due"
    assert not (desk / "outbox").exists()


def test_a_holdout_is_shown_by_the_dry_run_and_kept_by_the_send(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaigns = desk / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    with (campaigns / "newsletters" / f"{ISSUE}.yaml").open("a", encoding="utf-8") as issue:
        issue.write("holdout: 25%\n")
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(campaigns))
    monkeypatch.setenv("STAMPBOOK_SEND_RATE", "0")
    people = "".join(f"p{n}@example.com,P{n},{'en' if n % 4 else 'ru'}\n" for n in range(80))
    (desk / "many.csv").write_text("email,name,locale\n" + people, encoding="utf-8")
    assert run("customers", "import", str(desk / "many.csv"), "--confirmed-at", "a form")[0] == 0

    code, out, _ = run("send", ISSUE, "--dry-run")
    first, header, *rows = out.splitlines()  # unpaced: no time estimate
    rows = rows[: rows.index("HTML as sent, 7-bit and 8bit (Gmail clips past 102 KB):")]
    receive = int(first.split(": ")[1].split()[0])
    held = int(first.split("; ")[1].split()[0])
    assert first == (
        f"{ISSUE}: {receive} people would receive it; {held} held out at random,"
        " to compare with them in the report"
    )
    assert receive + held == 80
    assert 5 < held < 35
    assert header.split() == ["receive", "held", "out"]
    by_locale = {row.split()[0]: [int(n) for n in row.split()[2:]] for row in rows}
    assert sum(by_locale["en"] + by_locale["ru"]) == 80

    code, out, _ = run("send", ISSUE, "--now")
    assert code == 0
    assert out.strip().endswith(
        f"audience {receive}, sent {receive}, skipped 0, failed 0, held out {held}"
    )
    index = (desk / "outbox" / "index.jsonl").read_text().splitlines()
    assert len(index) == receive
    _, out, _ = run("campaigns")
    assert out.splitlines()[1].split() == [ISSUE, "finished", str(receive), str(receive)] + [
        "0"
    ] * 4 + [str(held)]


def test_the_dry_run_shows_each_language_s_size_and_warns_of_gmail_clipping(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaigns = desk / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    write_long_issue(campaigns)
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(campaigns))
    run("customers", "import", str(desk / "customers.csv"), "--confirmed-at", "old tool")

    code, out, err = run("send", LONG_ISSUE, "--dry-run")

    assert code == 0
    lines = out.splitlines()
    sizes = lines[lines.index("HTML as sent, 7-bit and 8bit (Gmail clips past 102 KB):") + 1 :]
    by_locale = {row.split()[0]: [float(n) for n in row.split()[1::2]] for row in sizes}
    assert by_locale["ru"][0] > 140 > by_locale["ru"][1] > 102  # base64, then 8bit
    assert max(by_locale["en"]) < 20
    first, hint = err.splitlines()
    assert first.startswith(
        f"campaigns/newsletters/{LONG_ISSUE}.yaml:14:11: blocks[1].markdown.ru: warning: "
        f"Gmail would clip this issue in ru (Russian): its HTML is {by_locale['ru'][0]} KB as sent"
    )
    assert hint.startswith("    hint: move the long article to your website")
    assert not (desk / "outbox").exists()
