"""The whole product in a browser: one `stampbook serve` process, the site and the API together.

A customer signs up on the site, confirms from the email, asks for their
points by magic link, and unsubscribes from a newsletter's link; the emails are
read from the outbox folder the server writes. Someone tells the business
what went wrong on the public questionnaire, with no link at all. The browser reaches nothing but
that one server. Screenshots go to build/artifacts/flows/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest
from playwright.sync_api import Page

from stampbook.audience.consent import ConsentStatus, current_status
from stampbook.bootstrap import build
from stampbook.config import MailSettings, Settings
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.mail.tokens import Purpose, local_keyring
from stampbook.records.customers import Customer
from stampbook.records.feedback import SiteFeedback
from stampbook.sitegen.build import build_site
from stampbook.store.sqlite import SqliteStore
from tests.support.outbox import outbox
from tests.support.paths import EXAMPLE, SITE_CONFIG
from tests.support.processes import free_port, this_package

from .conftest import ARTIFACTS, LocalPage

SHOTS = ARTIFACTS / "flows"
PHONE, DESKTOP = 375, 1280
# The API takes a sign-up form filled faster than this for a bot.
HUMAN_FILL_MS = 3200


@dataclass(frozen=True)
class Served:
    origin: str
    outbox: Path
    database: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("product")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STAMPBOOK_SITE_URL", f"{origin}/")
        build_site(SITE_CONFIG, api_url="/api/", site_dir=folder / "site")
    mail = MailSettings(outbox=folder / "outbox", key_file=folder / "signing-keys")
    _seed(Settings(campaigns=EXAMPLE, database=folder / "product.db", mail=mail))
    environment = {
        **os.environ,
        **this_package(),
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(folder / "product.db"),
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(mail.outbox),
        "STAMPBOOK_SIGNING_KEY_FILE": str(mail.key_file),
    }
    command = ["serve", "--port", str(port), "--site", str(folder / "site")]
    server = subprocess.Popen(
        [sys.executable, "-m", "stampbook", *command],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"{origin}/api/health", server)
        yield Served(origin, mail.outbox, folder / "product.db")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _seed(settings: Settings) -> None:
    """Customers who have bought at the counter: 5000 ₽ of beans a month ago, past the
    return window (recorded then, as the till would have)."""
    when = _now() - timedelta(days=30)
    app = build(settings, clock=lambda: when)
    for width in (PHONE, DESKTOP):
        customer = f"buyer-{width}"
        app.store.add_customer(Customer(customer, f"{customer}@example.com", when, name="Anna"))
        line = OrderLine("1", "beans", Decimal(5000))
        app.loyalty.record_purchase(customer, Order(f"O-{width}", when, "RUB", (line,)))
    app.store.close()


def _now() -> datetime:
    return datetime.now(UTC)


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("stampbook serve did not start")
            time.sleep(0.1)


def _mail_to(folder: Path, address: str, count: int) -> list[EmailMessage]:
    """The emails to `address`, waiting until there are `count` of them."""
    deadline = time.monotonic() + 10
    while True:
        found = [m for m in outbox(folder) if m["To"].addresses[0].addr_spec == address]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _link(message: EmailMessage, origin: str, page: str) -> str:
    """The link to this server's `page` in the email's plain text."""
    part = cast(EmailMessage, message.get_body(("plain",)))
    found = re.search(rf"{re.escape(origin)}/{page}\?t=[A-Za-z0-9._-]+", str(part.get_content()))
    assert found, f"no link to {origin}/{page} in {message['Subject']}"
    return found.group(0)


def _shot(page: Page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.{width}.png", full_page=True)


def _done(page: Page, form: str) -> None:
    page.locator(f'form[data-sb-form="{form}"].sb-form--done').wait_for(timeout=10_000)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_sign_up_confirm_points_and_unsubscribe_in_the_browser(
    served: Served, open_page: Callable[[int], LocalPage], width: int
) -> None:
    local = open_page(width)
    page = local.page
    address = f"vera-{width}@example.com"

    # The language switch, from the Russian home page to the English one.
    page.goto(f"{served.origin}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.locator(".md-header__option .md-select").hover()
    page.locator('a.md-select__link[hreflang="en"]').first.click()
    page.wait_for_load_state()
    assert page.url == f"{served.origin}/en/"
    _shot(page, "home.en", width)

    page.goto(f"{served.origin}/en/signup/")
    page.get_by_label("Email", exact=True).fill(address)
    page.locator('input[name="name"]').fill("Vera")
    page.locator('input[name="terms"]').check()
    page.locator('input[name="consent"]').check()
    page.wait_for_timeout(HUMAN_FILL_MS)  # as long as a person takes
    page.get_by_role("button", name="Sign me up").click()
    _done(page, "signup")
    # Finished: the button and the boxes go, the next step is said, and focus is on it.
    signup = page.locator('form[data-sb-form="signup"]')
    assert not signup.locator("button[type=submit]").is_visible()
    assert not signup.locator('input[name="terms"]').is_visible()
    assert not signup.get_by_text("Consent text version").is_visible()
    said = signup.locator(".sb-status")
    assert said.inner_text().startswith("Almost done: we have sent you an email.")
    assert said.evaluate("box => box === document.activeElement")
    _shot(page, "signup-sent", width)
    [confirmation] = _mail_to(served.outbox, address, 1)

    # Vera signed up in English: her emails lead to the English pages.
    page.goto(_link(confirmation, served.origin, "en/confirm/"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator('form[data-sb-form="confirm"] button[type=submit]').click()
    _done(page, "confirm")
    _shot(page, "confirmed", width)
    _, welcome = _mail_to(served.outbox, address, 2)
    assert welcome["Subject"] == "Welcome to Copper Cezve, Vera!"

    buyer = f"buyer-{width}@example.com"
    page.goto(f"{served.origin}/en/points/")
    page.get_by_label("Email", exact=True).fill(buyer)
    page.locator('form[data-sb-form="points-request"] button[type=submit]').click()
    _done(page, "points-request")
    thanks, magic = _mail_to(served.outbox, buyer, 2)
    assert thanks["Subject"] == "Спасибо за покупку!"  # the seeded purchase, at the counter
    page.goto(_link(magic, served.origin, "points/"))
    balance = page.locator('[data-sb-result="points"] [data-sb-shown="balance"]')
    balance.wait_for(timeout=10_000)
    assert balance.inner_text() == "500 баллов"  # 5000 ₽ of beans: double points, 5 per 100 ₽
    _shot(page, "points", width)

    page.goto(_link(welcome, served.origin, "en/unsubscribe/"))
    page.locator('form[data-sb-form="unsubscribe"] button[type=submit]').click()
    _done(page, "unsubscribe")
    _shot(page, "unsubscribed", width)
    store = SqliteStore(served.database)
    try:
        customer = store.customer_by_email(address)
        assert customer is not None
        assert current_status(store.consents(customer.customer_id)) is ConsentStatus.UNSUBSCRIBED
    finally:
        store.close()

    assert local.refused == []


@pytest.mark.parametrize(
    ("locale", "reason", "button", "thanks"),
    [
        ("", "Не понравился персонал", "Отправить", "Спасибо. Мы читаем каждый ответ."),
        ("en/", "I did not like the staff", "Send", "Thank you. We read every answer."),
    ],
)
def test_anyone_tells_what_went_wrong_on_the_site(
    served: Served,
    open_page: Callable[[int], LocalPage],
    locale: str,
    reason: str,
    button: str,
    thanks: str,
) -> None:
    local = open_page(PHONE)
    page = local.page
    address = f"reply-{locale.strip('/') or 'ru'}@example.com"
    page.goto(f"{served.origin}/{locale}tell-us/")
    form = page.locator('form[data-sb-form="site-feedback"]')
    form.get_by_label(reason).check()
    form.locator('textarea[name="text"]').fill("Кассир не дал сдачи")
    form.locator('input[name="order"]').fill("A-17")
    # A mistyped address comes back from the API next to its field, and nothing is kept.
    form.locator('input[name="email"]').fill("reply@example")
    page.wait_for_timeout(HUMAN_FILL_MS)  # as long as a person takes
    form.get_by_role("button", name=button).click()
    email = form.locator('input[name="email"]')
    page.locator('input[name="email"][aria-invalid="true"]').wait_for(timeout=10_000)
    assert form.locator("#sb-email-error").inner_text()
    assert _site_answers(served.database, address) == []
    email.fill(address)
    form.get_by_role("button", name=button).click()
    _done(page, "site-feedback")
    assert form.locator(".sb-status").inner_text() == thanks
    _shot(page, f"tell-us.{locale.strip('/') or 'ru'}", PHONE)
    [kept] = _site_answers(served.database, address)
    assert (kept.text, kept.order_ref, kept.reason) == ("Кассир не дал сдачи", "A-17", "staff")
    store = SqliteStore(served.database)
    try:
        assert store.customer_by_email(address) is None  # a reply address, not a sign-up
    finally:
        store.close()
    assert local.refused == []


def _site_answers(database: Path, address: str) -> list[SiteFeedback]:
    store = SqliteStore(database)
    try:
        return store.site_feedback(address)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("locale", "width", "said", "button"),
    [
        ("", PHONE, "Срок действия этой ссылки истёк: попросите новую.", "Прислать ссылку"),
        ("en/", DESKTOP, "This link has expired: ask for a new one.", "Send me the link"),
    ],
)
def test_an_expired_member_link_offers_a_new_one_with_the_address_field_open(
    served: Served,
    open_page: Callable[[int], LocalPage],
    locale: str,
    width: int,
    said: str,
    button: str,
) -> None:
    local = open_page(width)
    page = local.page
    keys = local_keyring(served.database.parent / "signing-keys")  # the server's own
    # Made 91 days ago, by the programme's 90-day rule: a newsletter read very late.
    expired = keys.sign_until(Purpose.POINTS, "buyer-375", int(_now().timestamp()) - 86_400)
    page.goto(f"{served.origin}/{locale}points/?t={expired}")
    view = page.locator('form[data-sb-form="points-view"] .sb-status')
    view.get_by_text(said).wait_for(timeout=10_000)
    ask = page.locator('form[data-sb-form="points-request"]')
    assert ask.is_visible()
    email = ask.locator('input[type="email"]')
    assert email.is_visible()
    assert email.evaluate("field => field === document.activeElement")
    _shot(page, f"points-expired.{locale.strip('/') or 'ru'}", width)
    email.fill("buyer-375@example.com")
    ask.get_by_role("button", name=button).click()
    _done(page, "points-request")
    assert local.refused == []


def test_joining_without_the_newsletter_makes_a_member(
    served: Served, open_page: Callable[[int], LocalPage]
) -> None:
    local = open_page(PHONE)
    page = local.page
    address = "member-only@example.com"
    page.goto(f"{served.origin}/signup/")
    page.get_by_label("Электронная почта", exact=True).fill(address)
    page.locator('input[name="terms"]').check()  # the newsletter left as it is: unticked
    page.wait_for_timeout(HUMAN_FILL_MS)
    page.get_by_role("button", name="Подписаться").click()
    _done(page, "signup")
    [confirmation] = _mail_to(served.outbox, address, 1)
    page.goto(_link(confirmation, served.origin, "confirm/"))
    page.locator('form[data-sb-form="confirm"] button[type=submit]').click()
    _done(page, "confirm")
    store = SqliteStore(served.database)
    try:
        customer = store.customer_by_email(address)
        assert customer is not None
        assert current_status(store.consents(customer.customer_id)) is ConsentStatus.MEMBER
    finally:
        store.close()
    # No welcome: it is a marketing email, and she asked for none.
    assert len(_mail_to(served.outbox, address, 2)) == 1
    assert local.refused == []


def test_preferences_change_the_language_and_the_birthday_and_show_what_was_saved(
    served: Served, open_page: Callable[[int], LocalPage]
) -> None:
    local = open_page(PHONE)
    page = local.page
    keys = local_keyring(served.database.parent / "signing-keys")  # the server's own
    token = keys.sign(Purpose.PREFERENCES, "buyer-1280", _now())
    page.goto(f"{served.origin}/preferences/?t={token}")
    form = page.locator('form[data-sb-form="preferences"]')
    russian = form.locator('input[name="locale"][value="ru"]')
    russian.wait_for(timeout=10_000)
    page.wait_for_function("() => document.querySelector('input[name=locale][value=ru]').checked")
    assert "30" in form.inner_text()  # when a changed birthday pays, from the rule
    form.get_by_label("English").check()
    form.locator('input[name="birthday"]').fill("1990-05-17")
    form.get_by_role("button", name="Сохранить").click()
    form.locator(".sb-status--done").wait_for(timeout=10_000)
    # Saved, the form still shows what was saved.
    assert form.locator('input[name="locale"][value="en"]').is_checked()
    assert form.locator('input[name="birthday"]').input_value() == "1990-05-17"
    _shot(page, "preferences-saved", PHONE)
    store = SqliteStore(served.database)
    try:
        customer = store.customer("buyer-1280")
        assert customer is not None
        assert (customer.locale, str(customer.birthday)) == ("en", "1990-05-17")
    finally:
        store.close()
    page.reload()
    page.wait_for_function("() => document.querySelector('input[name=locale][value=en]').checked")
    assert form.locator('input[name="birthday"]').input_value() == "1990-05-17"
    assert local.refused == []


@pytest.mark.parametrize(
    ("locale", "width", "button", "said"),
    [
        ("", PHONE, "Подписаться", "Введите адрес почты, например name@example.com."),
        ("en/", DESKTOP, "Sign me up", "Please enter an email address such as name@example.com."),
    ],
)
def test_an_address_the_api_refuses_is_named_in_the_pages_language(
    served: Served,
    open_page: Callable[[int], LocalPage],
    locale: str,
    width: int,
    button: str,
    said: str,
) -> None:
    local = open_page(width)
    page = local.page
    page.goto(f"{served.origin}/{locale}signup/")
    # Shaped like an address, so the page sends it; the API knows no mailbox ends in a dot.
    page.locator('input[name="email"]').fill("vera.@example.com")
    page.locator('input[name="terms"]').check()
    page.wait_for_timeout(HUMAN_FILL_MS)
    with page.expect_response(lambda answer: answer.url.endswith("/api/subscribe")) as sent:
        page.get_by_role("button", name=button).click()
    assert sent.value.status == 422
    assert sent.value.json()["error"]["code"] == "invalid_email"
    error = page.locator("#sb-email-error")
    error.get_by_text(said).wait_for(timeout=10_000)
    assert page.locator('input[name="email"]').get_attribute("aria-invalid") == "true"
    _shot(page, f"signup-refused.{locale.strip('/') or 'ru'}", width)
    assert local.refused == []


@pytest.mark.parametrize(
    ("path", "lang", "heading", "home"),
    [
        ("/no-such-page/", "ru", "Страница не найдена", "/"),
        ("/en/rewards/gone/", "en", "Page not found", "/en/"),
    ],
)
def test_a_missing_page_says_so_in_its_language(
    served: Served,
    open_page: Callable[[int], LocalPage],
    path: str,
    lang: str,
    heading: str,
    home: str,
) -> None:
    local = open_page(PHONE)
    page = local.page
    answer = page.goto(served.origin + path)
    assert answer is not None
    assert answer.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").first.inner_text() == heading
    _shot(page, f"not-found.{lang}", PHONE)
    page.locator(f'article a[href="{home}"]').click()
    page.wait_for_load_state()
    assert page.url == served.origin + home
    assert local.refused == []
