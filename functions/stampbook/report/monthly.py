"""On the first of each month, the month just past, emailed to the owner.

AWS's schedule calls it (`monthly_report` in the app); `stampbook report
--email` does the same by hand for any period.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..mail.transports.base import Transport
from ..programme import Programme
from .by_email import report_email
from .owner import ReportReader, month_before, owner_report


def email_month_before(
    programme: Programme,
    open_reader: Callable[[], ReportReader],
    transport: Transport,
    now: datetime,
) -> str | None:
    """Send the report of the month before `now`'s to `report.send_to`; the address,
    or None when the owner has not given one (the store is not read then)."""
    send_to = programme.programme_file.report.send_to
    if send_to is None:
        return None
    reader = open_reader()
    try:
        made = owner_report(programme, reader, month_before(now))
    finally:
        reader.close()
    transport.send(report_email(made, programme.programme_file, send_to, now))
    return send_to
