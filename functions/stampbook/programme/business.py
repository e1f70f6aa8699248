"""`program.yaml`: the business, its languages, consent texts and the programme."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field

from .fields import (
    CURRENCY_PATTERN,
    LANGUAGE_PATTERN,
    Amount,
    OwnerModel,
    PositiveAmount,
    Slug,
)
from .rules import Loyalty, Reward
from .shops import ShopSettings
from .text import LocalizedText

Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
WebAddress = Annotated[str, Field(pattern=r"^https?://[^\s/]+(/\S*)?$")]
# Only a language Stampbook has words in (see `languages.py`); the schema lists them.
LocaleCode = Annotated[
    str, Field(pattern=LANGUAGE_PATTERN, json_schema_extra={"x-stampbook": "language"})
]
CurrencyCode = Annotated[str, Field(pattern=CURRENCY_PATTERN)]


class Business(OwnerModel):
    name: LocalizedText
    legal_name: str = Field(min_length=1)
    # Printed in the footer of every marketing email, as bulk-mail law requires.
    postal_address: LocalizedText
    contact_email: Email
    site_url: WebAddress
    # A PNG, JPEG or GIF in campaigns/ (published with the site) or an https
    # address: mail clients do not show SVG. Without one, emails and the site
    # show the business's name.
    logo: str | None = Field(None, min_length=1)
    timezone: str = "UTC"


Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]


class Brand(OwnerModel):
    """The business's colours, on the website and in every email alike."""

    accent: Colour = Field(
        "#a4502a", description="Buttons, links and the site's header; white text sits on it"
    )
    text: Colour = Field("#2b2118", description="Body text")
    background: Colour = Field("#f4eee8", description="Around the email's page")


class MoneySettings(OwnerModel):
    """How the business writes and takes its currency, where it differs from ISO 4217."""

    decimals: int | None = Field(
        None,
        ge=0,
        le=4,
        description=(
            "Decimal places the business uses: 0 for whole drams or yen, as the till"
            " takes cash; default: the currency's own (ISO 4217)"
        ),
    )
    sign: str | None = Field(
        None,
        min_length=1,
        max_length=5,
        description="The sign shown in every language (default: each language's own)",
    )


class Locales(OwnerModel):
    default: LocaleCode
    available: tuple[LocaleCode, ...] = Field(min_length=1)


class Consent(OwnerModel):
    """The words next to the sign-up checkbox; the version is stored with each consent."""

    version: str = Field(min_length=1)
    text: LocalizedText


class LinkSettings(OwnerModel):
    """How long the links in emails work."""

    # The page showing a customer's points changes nothing: its link may live
    # long, so a newsletter read a week later still opens it.
    member_page_days: int = Field(
        90, ge=1, le=365, description="Days a 'my points' link in an email keeps working"
    )


class TillSettings(OwnerModel):
    """What the till API takes for a purchase made now; beyond it, a typo or an old order."""

    largest_line: PositiveAmount = Field(
        Decimal(10_000_000),
        description="One line above this amount is refused as a typo (in the currency)",
    )
    late_days: int = Field(
        7,
        ge=0,
        le=365,
        description=(
            "Days past the return window a till that was offline may still send a"
            " purchase; older ones go through `stampbook purchases import`"
        ),
    )

    def dates(self, today: date, return_days: int) -> tuple[date, date]:
        """The first and last date a till's purchase may carry, `today`.

        Judged on the date the till wrote, as on its receipt, so that the API's
        description can list the very dates it takes. A day ahead is allowed:
        clocks of tills are wrong by hours, not days.
        """
        return today - timedelta(days=return_days + self.late_days), today + timedelta(days=1)


class ReportSettings(OwnerModel):
    """The owner's report by email: the month just past, on the first of each month."""

    send_to: Email | None = Field(
        None,
        description=(
            "Where the monthly report goes (on AWS, on the 1st; `stampbook report --email`"
            " any time); none: it is not emailed"
        ),
    )
    locale: str | None = Field(
        None,
        pattern=LANGUAGE_PATTERN,
        description="The report's language; by default the programme's default language",
    )
    point_value: Amount | None = Field(
        None,
        description="What one point costs the shop, in the currency: the points owed in money",
    )
    holdout_days: int = Field(
        14,
        ge=1,
        le=90,
        description=(
            "Days after an email in which the report compares those who got it with those"
            " held out of it (`holdout:` on an issue or an automatic email)"
        ),
    )


class Interest(OwnerModel):
    """A topic a subscriber can choose on the sign-up form, used in segments."""

    id: Slug
    name: LocalizedText


class Category(OwnerModel):
    """A product category as the till and the web shop report it."""

    id: Slug
    name: LocalizedText


class ProgrammeFile(OwnerModel):
    # `program.yaml`: the business, its languages and currency, and the loyalty rules.
    # No docstring and the title "Program": the JSON Schema editors already hold
    # is made from this class, and any change would mark it stale.
    model_config = OwnerModel.model_config | ConfigDict(title="Program")

    business: Business
    currency: CurrencyCode
    locales: Locales
    consent: Consent
    interests: tuple[Interest, ...] = ()
    categories: tuple[Category, ...] = ()
    loyalty: Loyalty
    rewards: tuple[Reward, ...] = ()
    links: LinkSettings = LinkSettings()
    brand: Brand = Brand()
    money: MoneySettings = MoneySettings()
    till: TillSettings = TillSettings()
    report: ReportSettings = ReportSettings()
    # Orders from Shopify, WooCommerce or Square; none: their webhooks are refused.
    shops: ShopSettings | None = None

    @property
    def decimals(self) -> int:
        """Decimal places of an amount: the owner's, else the currency's own."""
        if self.money.decimals is not None:
            return self.money.decimals
        from babel.numbers import get_currency_precision

        return int(get_currency_precision(self.currency))

    def site_url_of(self, locale: str) -> str:
        """The site's address for readers of `locale`, ending in "/": the default
        language is built at the root, another under `<locale>/` (the site's build
        and the links in emails both go by this)."""
        root = self.business.site_url.rstrip("/")
        return f"{root}/" if locale == self.locales.default else f"{root}/{locale}/"
