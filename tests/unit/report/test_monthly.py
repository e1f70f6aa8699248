"""The monthly email: the month just past, to the address the owner gave, or nothing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from stampbook.mail.transports.outbox import Outbox
from stampbook.programme import Programme, load_programme
from stampbook.programme.business import ReportSettings
from stampbook.report.facts import Period
from stampbook.report.monthly import email_month_before
from stampbook.report.owner import month_before
from stampbook.report.sqlite_reader import SqliteReport
from tests.support.paths import EXAMPLE
from tests.support.report_dataset import generate


@pytest.mark.parametrize(
    ("now", "month"),
    [
        (
            datetime(2027, 1, 1, 6, 0, tzinfo=UTC),
            Period(datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ),
        (
            datetime(2026, 3, 15, 23, 59, tzinfo=UTC),
            Period(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
        ),
    ],
)
def test_the_month_before_is_a_whole_calendar_month(now: datetime, month: Period) -> None:
    assert month_before(now) == month


def _programme(send_to: str | None) -> Programme:
    programme = load_programme(EXAMPLE)
    settings = ReportSettings(send_to=send_to)
    changed = programme.programme_file.model_copy(update={"report": settings})
    return dataclasses.replace(programme, programme_file=changed)


def test_the_month_goes_to_the_owner_in_the_programmes_language(tmp_path: Path) -> None:
    generate(tmp_path / "shop.db", customers=40, orders=300)
    outbox = Outbox(tmp_path / "outbox")
    sent = email_month_before(
        _programme("owner@mednaya-turka.example"),
        lambda: SqliteReport(tmp_path / "shop.db"),
        outbox,
        datetime(2025, 12, 1, 6, 0, tzinfo=UTC),
    )
    assert sent == "owner@mednaya-turka.example"
    [path] = (tmp_path / "outbox").glob("*.eml")
    mail = message_from_bytes(path.read_bytes(), policy=default)
    assert mail["Subject"] == "Медная турка: отчёт владельца, ноябрь 2025"
    [page] = list(mail.iter_attachments())
    assert page.get_filename() == "report-2025-11.html"


def test_without_an_address_nothing_is_read_or_sent(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")

    def reader() -> SqliteReport:
        raise AssertionError("the store was read for a report nobody gets")

    assert email_month_before(_programme(None), reader, outbox, datetime.now(UTC)) is None
    assert not (tmp_path / "outbox").exists()
