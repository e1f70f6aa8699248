"""Bring a friend, in a browser: Anna's link fills in her code, Vera signs up and confirms,
buys, and after the return window the nightly run pays Anna, whose points page shows it;
a refund of the whole order takes it back.

One `stampbook serve` at a fixed moment, restarted later for the night after the
return window; the purchase and the refund come from the till's API, the nightly
run from the command line. Screenshots go to build/artifacts/referral/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from stampbook.bootstrap import build
from stampbook.config import MailSettings, Settings
from stampbook.records.customers import Customer
from stampbook.records.integrations import issue_key
from stampbook.sitegen.build import build_site
from tests.support.paths import EXAMPLE, SITE_CONFIG
from tests.support.processes import free_port, stop, this_package

from .conftest import ARTIFACTS, LocalPage
from .test_product_flows import DESKTOP, HUMAN_FILL_MS, PHONE, _done, _link, _mail_to, _wait_for

SHOTS = ARTIFACTS / "referral"
SIGNED_UP = datetime.fromisoformat("2026-12-01T12:00:00+03:00")
# The example's return window is 14 days: the night after it.
NIGHT_AFTER = SIGNED_UP + timedelta(days=15, hours=-8)


@dataclass(frozen=True)
class Words:
    prefix: str  # of the pages' paths
    code_label: str
    unknown_code: str
    button: str


WORDS = {
    "ru": Words(
        "",
        "Код приглашения от друга (необязательно)",
        "Такого кода приглашения нет.",
        "Подписаться",
    ),
    "en": Words(
        "en/",
        "A friend's referral code (optional)",
        "We do not know this referral code.",
        "Sign me up",
    ),
}


@dataclass
class Shop:
    origin: str
    folder: Path
    port: int
    till_key: str

    def environment(self, now: datetime) -> dict[str, str]:
        return {
            **os.environ,
            **this_package(),
            "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
            "STAMPBOOK_DB": str(self.folder / "shop.db"),
            "STAMPBOOK_MAIL": "outbox",
            "STAMPBOOK_OUTBOX": str(self.folder / "outbox"),
            "STAMPBOOK_SIGNING_KEY_FILE": str(self.folder / "signing-keys"),
            "STAMPBOOK_NOW": now.isoformat(),
        }

    @contextmanager
    def open_at(self, now: datetime) -> Iterator[None]:
        """`stampbook serve` with its clock stopped at `now`."""
        command = ["serve", "--port", str(self.port), "--site", str(self.folder.parent / "site")]
        server = subprocess.Popen(
            [sys.executable, "-m", "stampbook", *command],
            env=self.environment(now),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(f"{self.origin}/api/health", server)
            yield
        finally:
            stop(server)

    def nightly_run(self, now: datetime) -> None:
        subprocess.run(
            [sys.executable, "-m", "stampbook", "daily"],
            env=self.environment(now),
            check=True,
            capture_output=True,
        )

    def till(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.origin}/api/till/{path}",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.till_key}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            found: dict[str, Any] = json.load(answer)
            return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The site, built once for a port the shops of this module then serve it on."""
    folder = tmp_path_factory.mktemp("referral")
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STAMPBOOK_SITE_URL", f"http://127.0.0.1:{port}/")
        build_site(SITE_CONFIG, api_url="/api/", site_dir=folder / "site")
    return folder, port


@pytest.fixture
def shop(site: tuple[Path, int], request: pytest.FixtureRequest) -> Shop:
    """A shop of its own (database, outbox) where Anna, with her code, is a customer."""
    parent, port = site
    folder = parent / request.node.name.replace("[", "-").strip("]")
    mail = MailSettings(outbox=folder / "outbox", key_file=folder / "signing-keys")
    app = build(Settings(campaigns=EXAMPLE, database=folder / "shop.db", mail=mail))
    app.store.add_customer(
        Customer("anna", "anna@example.com", SIGNED_UP, name="Anna", referral_code="ANNA2345")
    )
    record, token = issue_key("till", SIGNED_UP)
    app.store.add_integration_key(record)
    app.store.close()
    return Shop(f"http://127.0.0.1:{port}", folder, port, token)


def _shot(page: Page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 800})
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top, not mid-page
    page.wait_for_timeout(300)  # the header's title settles after a scroll
    page.screenshot(path=SHOTS / f"{name}.{width}.png", full_page=True)


def _annas_balance(page: Page, shop: Shop, mails: int) -> str:
    """Anna asks for her points page; what it shows as available."""
    page.goto(f"{shop.origin}/points/")
    page.locator('input[name="email"]').fill("anna@example.com")
    page.locator('form[data-sb-form="points-request"] button[type=submit]').click()
    _done(page, "points-request")
    link = _link(
        _mail_to(shop.folder / "outbox", "anna@example.com", mails)[-1], shop.origin, "points/"
    )
    page.goto(link)
    # The member page's balance in words ("300 баллов"): the number, without them.
    balance = page.locator('[data-sb-result="points"] [data-sb-shown="balance"]')
    balance.wait_for(timeout=10_000)
    return balance.inner_text().split()[0]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_a_friend_signs_up_with_annas_link_and_anna_is_paid_then_not_after_a_refund(
    shop: Shop, open_page: Callable[[int], LocalPage], locale: str
) -> None:
    words = WORDS[locale]
    local = open_page(PHONE)
    page = local.page
    vera = f"vera-{locale}@example.com"

    with shop.open_at(SIGNED_UP):
        page.goto(f"{shop.origin}/{words.prefix}signup/?ref=ANNA2345")
        code = page.get_by_label(words.code_label)
        assert code.is_visible()
        assert code.input_value() == "ANNA2345"
        page.locator('input[name="email"]').fill(vera)
        page.locator('input[name="name"]').fill("Vera")
        page.locator('input[name="terms"]').check()
        page.locator('input[name="consent"]').check()
        for width in (PHONE, DESKTOP):
            _shot(page, f"signup-with-code.{locale}", width)
        page.set_viewport_size({"width": PHONE, "height": 800})

        # A code mistyped by hand is refused beside its field, in the page's language.
        code.fill("ANNA2346")
        page.wait_for_timeout(HUMAN_FILL_MS)  # as long as a person takes
        page.get_by_role("button", name=words.button).click()
        page.locator('input[name="ref"][aria-invalid="true"]').wait_for(timeout=10_000)
        assert page.locator("#sb-ref-error").inner_text().startswith(words.unknown_code)
        assert page.locator('form[data-sb-form="signup"] .sb-status').inner_text() == ""
        _shot(page, f"signup-unknown-code.{locale}", PHONE)
        assert _mail_to(shop.folder / "outbox", vera, 0) == []

        code.fill("ANNA2345")
        page.get_by_role("button", name=words.button).click()
        _done(page, "signup")
        [confirmation] = _mail_to(shop.folder / "outbox", vera, 1)
        page.goto(_link(confirmation, shop.origin, f"{words.prefix}confirm/"))
        page.locator('form[data-sb-form="confirm"] button[type=submit]').click()
        _done(page, "confirm")

        line = {"line_id": "1", "category": "drinks", "amount": "1000"}
        bought = {"customer": {"email": vera}, "order_id": f"T-{locale}", "lines": [line]}
        shop.till("purchases", {**bought, "placed_at": SIGNED_UP.isoformat()})
        assert _annas_balance(page, shop, 1) == "0"

    shop.nightly_run(NIGHT_AFTER)
    later = NIGHT_AFTER + timedelta(hours=6)
    with shop.open_at(later):
        assert _annas_balance(page, shop, 2) == "300"
        history = page.locator('[data-sb-list="history"]').inner_text()
        assert f"T-{locale}" not in history  # her friend's order is not hers to see
        _shot(page, f"referrer-paid.{locale}", PHONE)
        taken = shop.till(
            "refunds",
            {
                "customer": {"email": vera},
                "refund_id": f"R-{locale}",
                "order_id": f"T-{locale}",
                "refunded_at": later.isoformat(),
                "lines": {"1": "1000"},
            },
        )
        assert taken["points_taken_back"] == 50 + 150  # the order's points and her own bonus
        page.reload()
        balance = page.locator('[data-sb-result="points"] [data-sb-shown="balance"]')
        balance.wait_for(timeout=10_000)
        assert balance.inner_text().split()[0] == "0"
        _shot(page, f"referrer-taken-back.{locale}", PHONE)

    assert local.refused == []
