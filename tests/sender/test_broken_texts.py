"""A text that cannot be filled in stops `send` and `daily` before anyone is
touched, and a campaign that fails while sending is paused with the reason,
never left `sending` with nobody sending it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from stampbook.bootstrap import open_keyring
from stampbook.cli.main import main
from stampbook.mail.problems import TemplateProblem
from stampbook.mail.transports.outbox import Outbox
from stampbook.programme import load_programme
from stampbook.services.campaigns import Campaigns
from stampbook.store.sends import CampaignState, SendStore
from tests.sender.test_campaigns import FAST
from tests.support.paths import EXAMPLE, TEMPLATES
from tests.support.people import ISSUE, customer_file

SUBJECT = "en: The winter lots are roasting"
CUSTOMERS = "email,name,locale\nanna@example.com,Анна,ru\nboris@example.com,Boris,en\n"


def _broken_copy(folder: Path, file: str, old: str, new: str) -> Path:
    copy = folder / "campaigns"
    shutil.copytree(EXAMPLE, copy)
    path = copy / file
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    return copy


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STAMPBOOK_DB", str(tmp_path / "stampbook.db"))
    monkeypatch.setenv("STAMPBOOK_NOW", "2026-11-23T18:00:00+03:00")
    monkeypatch.setenv("STAMPBOOK_MAIL", "outbox")
    monkeypatch.setenv("STAMPBOOK_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEYS", "k1:" + "s" * 43)
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_misspelt_name_in_a_newsletter_stops_send_before_it_starts(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(EXAMPLE))
    code, _, err = run("customers", "import", str(desk / "customers.csv"), "--confirmed-at", "x")
    assert code == 0, err
    broken = _broken_copy(desk, f"newsletters/{ISSUE}.yaml", SUBJECT, SUBJECT + ", {{ nam }}")
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(broken))
    for args in (("send", ISSUE, "--dry-run"), ("send", ISSUE, "--now"), ("send-due",)):
        code, _, err = run(*args)
        assert code == 1, args
        assert f"{ISSUE}.yaml:5:" in err
        assert "'nam' is not a value this email has" in err
        assert "did you mean 'name'?" in err
        assert "Traceback" not in err
    code, out, _ = run("campaigns")
    assert out.splitlines()[1].split()[:2] == [ISSUE, "draft"]
    assert not (desk / "outbox").exists()


def test_a_misspelt_name_in_an_automatic_email_stops_the_nightly_run(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = "{{ points_earned }} points."
    broken = _broken_copy(desk, "automations.yaml", old, "{{ point_earned }} points.")
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(broken))
    code, out, err = run("daily")
    assert code == 1
    assert "automations.yaml:24:" in err
    assert "did you mean 'points_earned'?" in err
    assert "nightly run done" not in out
    code, _, err = run("check", str(broken))
    assert code == 1
    assert "1 error in" in err


def test_a_campaign_that_cannot_be_made_once_started_is_paused_with_the_reason(
    tmp_path: Path,
) -> None:
    # A send on AWS reads the programme the function was deployed with; the
    # owner's `check` is not between it and the text.
    broken = _broken_copy(tmp_path, f"newsletters/{ISSUE}.yaml", SUBJECT, SUBJECT + " {{ nam }}")
    app = customer_file(tmp_path, 3)
    assert isinstance(app.store, SendStore)
    owner = Campaigns(load_programme(broken), app.loyalty, app.settings.mail, app.store, FAST)
    owner.start(ISSUE, ignore_send_at=True)
    with pytest.raises(TemplateProblem, match="nam"):
        owner.send(ISSUE, open_keyring(app.settings), lambda: Outbox(tmp_path / "outbox"))
    stopped = owner.campaign(ISSUE)
    assert stopped.state is CampaignState.PAUSED
    assert "'nam' is undefined" in stopped.reason


def test_emails_the_nightly_run_could_not_make_are_counted_and_it_exits_1(
    desk: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The owner's own birthday template reads the first letter of the name:
    # the sample reader has one, a customer who never gave a name does not.
    campaigns = desk / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    own = campaigns / "templates" / "email"
    own.mkdir(parents=True)
    builtin = (TEMPLATES / "email" / "birthday.mjml.j2").read_text("utf-8")
    (own / "birthday.mjml.j2").write_text(
        builtin.replace("{{ parts.hello() }}", "{{ parts.hello() }}{{ person.name[0] }}"), "utf-8"
    )
    monkeypatch.setenv("STAMPBOOK_CAMPAIGNS", str(campaigns))
    (desk / "people.csv").write_text(
        "email,name,locale,birthday,created_at\n"
        "anna@example.com,Анна,ru,1990-11-23,2025-01-01\n"
        "nameless@example.com,,ru,1991-11-23,2025-01-01\n",
        encoding="utf-8",
    )
    code, _, err = run("customers", "import", str(desk / "people.csv"), "--confirmed-at", "x")
    assert code == 0, err
    # A year on: birthdays given at import pay once they have been known a while.
    monkeypatch.setenv("STAMPBOOK_NOW", "2027-11-23T18:00:00+03:00")
    code, out, err = run("daily")
    assert code == 1
    assert "automatic emails sent: 1 birthday" in out
    assert "birthday.mjml.j2:7: str object has no element 0" in caplog.text
    assert "not sent: 1 birthday" in err
    assert "run `stampbook daily` again today" in err
