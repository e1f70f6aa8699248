"""The newsletter archive as a reader finds it: from the email's "open in your browser" link.

A customer file gets the December issue a week early (sent with --now);
`stampbook site build` builds the site from what the file says was sent,
and the link in the email that went out opens the issue's page: the site's
own header and languages, the email in its frame for no one in particular,
the way to join. The browser reaches nothing but 127.0.0.1.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from email.message import EmailMessage
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

import pytest

from stampbook.bootstrap import build, open_keyring
from stampbook.mail.transports.outbox import Outbox
from stampbook.services.campaigns import Campaigns
from stampbook.store.sends import SendStore
from tests.sender.test_campaigns import FAST
from tests.support.outbox import outbox
from tests.support.paths import EXAMPLE, ROOT
from tests.support.people import ISSUE, address, customer_file, settings
from tests.support.processes import this_package

from .conftest import ARTIFACTS, LocalPage

SHOTS = ARTIFACTS / "archive"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[EmailMessage]]]:
    folder = tmp_path_factory.mktemp("archive")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder / "site"))
    )
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    customer_file(folder, 5).store.close()
    app = build(replace(settings(folder), site_url=origin))
    assert isinstance(app.store, SendStore)
    owner = Campaigns(app.programme, app.loyalty, app.settings.mail, app.store, FAST)
    owner.start(ISSUE, ignore_send_at=True)
    owner.send(ISSUE, open_keyring(app.settings), lambda: Outbox(app.settings.mail.outbox))
    app.store.close()
    env = {
        **os.environ,
        **this_package(),
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(folder / "stampbook.db"),
        "STAMPBOOK_SITE_URL": origin,
        "STAMPBOOK_NOW": "2026-11-23T18:00:00+03:00",
    }
    built = subprocess.run(
        [sys.executable, "-m", "stampbook", "site", "build", "--out", str(folder / "site")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "archive: 1 sent issue from the customer file" in built.stdout
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin, outbox(folder / "outbox")
    finally:
        server.shutdown()
        server.server_close()


def _browser_link(message: EmailMessage) -> str:
    part = cast(EmailMessage, message.get_body(("html",)))
    found = re.search(r'href="([^"]+/newsletters/[^"]+/)"', str(part.get_content()))
    assert found, "no link to the issue's web version"
    return found.group(1)


@pytest.mark.parametrize(("lang", "width"), [("ru", 375), ("en", 1280)])
def test_the_emails_browser_link_opens_the_issue_in_the_site(
    archive: tuple[str, list[EmailMessage]],
    open_page: Callable[[int], LocalPage],
    lang: str,
    width: int,
) -> None:
    origin, sent = archive
    # Every fifth reader reads English (tests.support.people).
    reader = address(0) if lang == "en" else address(1)
    [message] = [m for m in sent if m["To"].addresses[0].addr_spec == reader]
    link = _browser_link(message)
    assert link == origin + ("" if lang == "ru" else "en/") + f"newsletters/{ISSUE}/"
    local = open_page(width)
    page = local.page
    answer = page.goto(link)
    assert answer is not None
    assert answer.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").first.inner_text() == message["Subject"]
    assert page.locator("header.md-header").is_visible()  # the site's own page
    frame = page.frame_locator("iframe.sb-issue")
    frame.locator("body").wait_for()
    inside = frame.locator("body").inner_text()
    # For no one in particular: no blanks where a reader's figures were, no one's links.
    assert not [line for line in inside.splitlines() if line.strip() in ("—", "-")]
    assert frame.locator('a[href*="?t="]').count() == 0
    join = frame.locator('a[href$="/signup/"]')
    assert join.count() >= 1
    # The frame is as tall as the email: the page scrolls as one.
    height = page.locator("iframe.sb-issue").evaluate("f => f.getBoundingClientRect().height")
    assert height > 600
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"issue.{lang}.{width}.png", full_page=True)
    page.goto(origin + ("" if lang == "ru" else "en/") + "newsletters/")
    assert page.locator(f'article a[href="{ISSUE}/"]').count() == 1
    # Only the owner's photo, which lives on the shop's own site, was kept out.
    assert {url.split("/")[2] for url in local.refused} <= {"mednaya-turka.example"}
