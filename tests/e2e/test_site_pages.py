"""The built site in a real browser: phone and desktop width, the language switch, axe-core.

The site is built for the example and served from 127.0.0.1; the guard
refuses everything else, and a page that asked for anything else fails.
Screenshots go to build/artifacts/site/.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from stampbook.sitegen.build import build_site
from tests.support.paths import ROOT, SITE_CONFIG

from .conftest import ARTIFACTS, LocalPage

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ARTIFACTS / "site"
PHONE, DESKTOP = 375, 1280
PAGES = ("", "terms/", "rewards/", "privacy/", "newsletters/", "signup/", "points/")
FORM_PAGES = (
    "signup/",
    "points/",
    "confirm/?t=x",
    "preferences/?t=x",
    "unsubscribe/?t=x",
    "feedback/?t=x",
    "tell-us/",
)
OVERFLOW = "document.documentElement.scrollWidth"
# A sent issue's web version, in the archive.
ISSUE = "newsletters/2026-12-winter-lots/"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    address = f"http://127.0.0.1:{server.server_address[1]}/"
    # Built for where it is served: the pages name their twins in the other
    # language by full address, and the theme reads the sitemap there.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STAMPBOOK_SITE_URL", address)
        build_site(SITE_CONFIG, site_dir=folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield address
    finally:
        server.shutdown()
        server.server_close()


def _name(path: str) -> str:
    return path.split("?")[0].strip("/").replace("/", "-") or "home"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("locale", ["", "en/"])
def test_pages_fit_the_screen(
    site: str, open_page: Callable[[int], LocalPage], width: int, locale: str
) -> None:
    page = open_page(width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in PAGES + FORM_PAGES:
        page.page.goto(site + locale + path)
        name = f"{_name(path)}.{locale.strip('/') or 'ru'}.{width}.png"
        page.page.screenshot(path=SHOTS / name, full_page=True)
        assert page.page.evaluate(OVERFLOW) <= width, path
    assert page.refused == []


@pytest.mark.parametrize(
    ("start", "other", "lang", "heading"),
    [
        ("terms/", "en/terms/", "en", "Programme terms"),
        ("en/rewards/", "rewards/", "ru", "Награды"),
        ("", "en/", "en", "Copper Cezve"),
    ],
)
def test_the_language_switcher_keeps_the_page(
    site: str,
    open_page: Callable[[int], LocalPage],
    start: str,
    other: str,
    lang: str,
    heading: str,
) -> None:
    page = open_page(DESKTOP).page
    page.goto(site + start)
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'a.md-select__link[hreflang="{lang}"]').first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    assert page.url == site + other
    assert page.locator("h1").first.inner_text() == heading
    # Search engines are told of this page's own twin, by its full address.
    twins = page.locator('head link[rel="alternate"][hreflang]')
    hrefs = {
        twins.nth(i).get_attribute("hreflang"): twins.nth(i).get_attribute("href")
        for i in range(twins.count())
    }
    assert hrefs == {
        "ru": site + other.removeprefix("en/"),
        "en": site + "en/" + other.removeprefix("en/"),
    }


def test_a_link_without_its_token_says_so_instead_of_a_dead_form(
    site: str, open_page: Callable[[int], LocalPage]
) -> None:
    page = open_page(PHONE).page
    page.goto(site + "en/unsubscribe/")
    assert page.locator("form[data-sb-form]").count() == 0
    assert "opens from the link in your email" in page.locator("article").inner_text()


def test_a_missing_email_is_named_next_to_the_field(
    site: str, open_page: Callable[[int], LocalPage]
) -> None:
    page = open_page(PHONE).page
    page.goto(site + "en/signup/")
    page.get_by_role("button", name="Sign me up").click()
    field = page.get_by_label("Email", exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#sb-email-error").inner_text() == "This field is required."


@pytest.mark.parametrize("path", PAGES + FORM_PAGES + (ISSUE, "404.html"))
@pytest.mark.parametrize("locale", ["", "en/"])
@pytest.mark.node  # axe-core comes from node_modules
def test_no_page_has_a_serious_accessibility_violation(
    site: str, open_page: Callable[[int], LocalPage], path: str, locale: str
) -> None:
    page = open_page(PHONE).page
    page.goto(site + locale + path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '))"""
    )
    assert violations == []


@pytest.mark.parametrize(
    ("locale", "width", "button", "said"),
    [
        ("", PHONE, "Подписаться", "Чтобы вступить в программу, примите её условия."),
        ("en/", 1280, "Sign me up", "To join the programme, accept its terms."),
    ],
)
def test_joining_needs_the_terms_and_not_the_newsletter(
    site: str,
    open_page: Callable[[int], LocalPage],
    locale: str,
    width: int,
    button: str,
    said: str,
) -> None:
    page = open_page(width).page
    page.goto(site + locale + "signup/")
    newsletter = page.locator('input[name="consent"]')
    terms = page.locator('input[name="terms"]')
    assert not newsletter.is_checked()  # never ticked for anyone
    assert newsletter.get_attribute("required") is None
    assert terms.get_attribute("required") is not None
    assert page.locator('label[for="sb-terms"] a').get_attribute("href") == "../terms/"
    page.locator('input[name="email"]').fill("vera@example.com")
    page.get_by_role("button", name=button).click()
    # The reason in the page's language, beside the box, not the browser's English.
    assert terms.get_attribute("aria-invalid") == "true"
    assert page.locator("#sb-terms-error").inner_text() == said
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = f"signup-terms.{locale.strip('/') or 'ru'}.{width}.png"
    page.screenshot(path=SHOTS / name, full_page=True)


@pytest.mark.parametrize(
    ("locale", "width", "earn", "tier", "join"),
    [
        (
            "",
            PHONE,
            "Получайте 5 баллов за каждые 100,00\xa0₽ покупок.",
            "Знаток",
            "Вступить бесплатно",
        ),
        (
            "en/",
            DESKTOP,
            "Earn 5 points for every RUB\xa0100.00 you spend.",
            "Connoisseur",
            "Join for free",
        ),
    ],
)
def test_the_home_page_sells_the_programme_with_its_own_numbers(
    site: str,
    open_page: Callable[[int], LocalPage],
    locale: str,
    width: int,
    earn: str,
    tier: str,
    join: str,
) -> None:
    local = open_page(width)
    page = local.page
    page.goto(site + locale)
    steps = page.locator("ol.sb-steps li")
    assert steps.count() == 3
    assert steps.nth(1).inner_text() == earn
    assert page.locator(".sb-cards").first.get_by_text(tier, exact=True).is_visible()
    # The three cheapest rewards, cheapest first, and the latest sent issue.
    rewards = page.locator(".sb-cards").nth(1).locator("li")
    assert rewards.count() == 3
    assert page.locator('a[href="newsletters/2026-12-winter-lots/"]').count() == 1
    # The business's own colour in the header, its logo beside the name.
    header = page.locator("header.md-header")
    assert header.evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(164, 80, 42)"
    assert page.locator('header img[src$="assets/logo.png"]').count() == 1
    # A landing page, not a manual: no search box, no table of contents.
    assert not page.locator(".md-search").is_visible()
    assert not page.locator(".md-sidebar--secondary").is_visible()
    page.get_by_role("link", name=join).first.click()
    page.wait_for_load_state()
    assert page.url == site + locale + "signup/"
    assert local.refused == []
