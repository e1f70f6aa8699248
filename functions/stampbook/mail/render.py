"""Emails from templates: Jinja2 -> MJML -> HTML and plain text, as a `Draft`.

A newsletter is compiled once per issue and language: campaign-level values
(the business, the blocks, the rewards) are rendered for real, personal ones
(name, points, links) as markers that become the draft's slots. Filling a
draft per reader is then string joining, never a new MJML run. A one-off
email (a receipt, a magic link, a birthday greeting) goes to one person, so
it is rendered with that person's values; only its signed links are slots.

Templates come from the owner's `campaigns/templates/email/` first, then from
Stampbook's own `templates/email/`: a file of the same name replaces the
built-in one. The words come from `templates/locales/` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import mjml
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
)

from ..programme import Programme
from ..programme.languages import BUILTIN_TEMPLATES as BUILTIN_TEMPLATES
from ..programme.languages import OWNER_TEMPLATES as OWNER_TEMPLATES
from ..programme.loader import AUTOMATIONS_FILE
from ..programme.newsletter import (
    Block,
    ButtonBlock,
    ImageBlock,
    Newsletter,
    PointsSummaryBlock,
    RewardBlock,
    TextBlock,
)
from ..programme.text import LocalizedText
from . import owner_text
from .draft import LINK_SLOTS, Draft
from .locale import Formatter
from .palette import Palette
from .problems import KeyPath, TemplateProblem, TextPlace, shown, template_line
from .reader import PERSONAL_SLOTS, Occasion, Reader, personal_values
from .slots import Markers, PersonalValueAsData
from .strings import Strings, StringsProblem
from .text import mjml_subject_and_preheader, mjml_to_text

TEMPLATE_SUFFIX = ".mjml.j2"


@dataclass(frozen=True)
class Email:
    """A kind of one-off email: its template, and the automation that gives its texts."""

    marketing: bool  # needs consent; carries the unsubscribe and preferences links
    automation: str | None = None  # the key in automations.yaml
    gets: tuple[str, ...] = ()  # Occasion fields it is sent with, when the programme has them
    needs: tuple[str, ...] = ()  # of those, the ones it cannot do without
    # The same for every reader of one occasion but the personal values,
    # which are slots: compiled once per occasion and language (`greeting`),
    # not once per reader. Its texts may show those values, not decide by them.
    compiled_once: bool = False


EMAILS: Mapping[str, Email] = {
    "confirm": Email(marketing=False),
    "welcome": Email(marketing=True, automation="welcome"),
    "thank_you": Email(
        marketing=False,
        automation="thank_you",
        gets=("points_earned", "available_on"),
        needs=("points_earned",),
        compiled_once=True,  # a day's purchases share a few dozen occasions
    ),
    "your_points": Email(marketing=False),
    "already_subscribed": Email(marketing=False),
    "certificate_issued": Email(
        marketing=False,
        automation="certificate_issued",
        gets=("certificate",),
        needs=("certificate",),
    ),
    "points_expiring": Email(marketing=True, automation="points_expiring"),
    "birthday": Email(marketing=True, automation="birthday", gets=("bonus_points",)),
    "holiday": Email(
        marketing=True,
        automation="holidays",
        gets=("greeting",),
        needs=("greeting",),
        compiled_once=True,
    ),
    "win_back": Email(marketing=True, automation="win_back"),
    "feedback_request": Email(marketing=False, automation="feedback_request"),
}
NEWSLETTER = "newsletter"
NOTHING_IN_PARTICULAR = Occasion()


REMEMBERED_READERS = 50_000
REMEMBERED_OCCASIONS = 2_000  # compiled greetings and thank-yous kept (a few KB each)


class Renderer:
    """Renders the emails of one programme; keeps compiled templates and drafts."""

    def __init__(self, programme: Programme, builtin: Path = BUILTIN_TEMPLATES) -> None:
        self.programme = programme
        self.programme_file = programme.programme_file
        self.palette = Palette.of(programme.programme_file.brand)
        owner = programme.root / OWNER_TEMPLATES
        self._string_folders = (owner / "locales", builtin / "locales")
        self._env = Environment(
            loader=ChoiceLoader(
                [FileSystemLoader(owner / "email"), FileSystemLoader(builtin / "email")]
            ),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._words: dict[str, Strings] = {}
        self._newsletters: dict[tuple[str, str], Draft] = {}
        self._greetings: dict[tuple[str, str, Occasion], Draft] = {}
        self._personal: dict[tuple[Reader, str], dict[str, str]] = {}

    # -- what callers use

    def words(self, locale: str) -> Strings:
        if locale not in self._words:
            formatter = Formatter.of(locale, self.programme_file)
            self._words[locale] = Strings.load(self._string_folders, formatter)
        return self._words[locale]

    def personal_values(self, reader: Reader, locale: str) -> dict[str, str]:
        """What fills a newsletter draft's personal slots for `reader` (links aside).

        Readers of one bulletin mostly share balances, tiers and dates; only the
        name is always their own. So the rest is worked out once per distinct
        combination: most of a hundred thousand readers cost a look-up.
        """
        key = (replace(reader, email="", name=""), locale)
        found = self._personal.get(key)
        if found is None:
            if len(self._personal) >= REMEMBERED_READERS:
                self._personal.clear()
            found = self._personal[key] = personal_values(
                key[0], self.words(locale), self.programme_file
            )
        values = dict(found)
        if reader.name.strip():
            values["name"] = reader.name.strip()
        return values

    def newsletter(self, newsletter: Newsletter, locale: str) -> Draft:
        """The issue in `locale`, compiled once; personal values are slots."""
        key = (newsletter.slug, locale)
        if key not in self._newsletters:
            markers = Markers()
            context = self._newsletter_context(newsletter, locale, markers)
            self._newsletters[key] = self._compile(NEWSLETTER, context, markers)
        return self._newsletters[key]

    def web_version(self, newsletter: Newsletter, locale: str) -> Draft:
        """The issue as the site's archive shows it, to anyone: without the
        plain-text part (its `text` is empty), which a browser never reads, and
        without a reader's points or links: an invitation to join stands there."""
        markers = Markers()
        context = self._newsletter_context(newsletter, locale, markers)
        site = self.programme_file.site_url_of(locale)
        # Read by anyone: no link to itself, no one's points or settings.
        context |= {
            "web_url": None,
            "public": {"signup_url": f"{site}signup/", "archive_url": f"{site}newsletters/"},
        }
        return self._compile(NEWSLETTER, context, markers, plain_text=False)

    def email(
        self, name: str, locale: str, reader: Reader, occasion: Occasion = NOTHING_IN_PARTICULAR
    ) -> Draft:
        """A one-off email to `reader`; only the signed links are slots."""
        markers = Markers()
        context = self._email_context(name, locale, reader, occasion, markers)
        return self._compile(name, context, markers)

    def greeting(self, name: str, locale: str, occasion: Occasion) -> Draft:
        """A one-off email the same for everyone but their personal values, which
        are slots (a holiday greeting to every customer): compiled once per
        occasion and language, like a newsletter."""
        key = (name, locale, occasion)
        if key not in self._greetings:
            if len(self._greetings) >= REMEMBERED_OCCASIONS:
                self._greetings.clear()
            markers = Markers()
            reader = {slot: markers(slot) for slot in PERSONAL_SLOTS}
            context = self._email_context(name, locale, Reader(""), occasion, markers, reader)
            self._greetings[key] = self._compile(name, context, markers)
        return self._greetings[key]

    def newsletter_mjml(self, newsletter: Newsletter, locale: str) -> str:
        """The MJML the issue compiles from (for checks against other MJML tools)."""
        context = self._newsletter_context(newsletter, locale, Markers())
        return self._render(NEWSLETTER + TEMPLATE_SUFFIX, context)

    def email_mjml(
        self, name: str, locale: str, reader: Reader, occasion: Occasion = NOTHING_IN_PARTICULAR
    ) -> str:
        context = self._email_context(name, locale, reader, occasion, Markers())
        return self._render(name + TEMPLATE_SUFFIX, context)

    # -- newsletters

    def _newsletter_context(
        self, newsletter: Newsletter, locale: str, markers: Markers
    ) -> dict[str, Any]:
        reader = {slot: markers(slot) for slot in PERSONAL_SLOTS}
        words = self.words(locale)
        values = {**reader, "business": self._text(self.programme_file.business.name, locale)}
        slug = newsletter.slug
        web_url = self._web_url(newsletter, locale)
        context = self._context(locale, markers, marketing=True, web_url=web_url)
        context |= {
            "reader": reader,
            "owner": {
                "subject": owner_text.subject(
                    self._text(newsletter.subject, locale),
                    values,
                    self._place(slug, newsletter.subject, ("subject",), locale),
                ),
                "preheader": owner_text.subject(
                    self._text(newsletter.preheader, locale),
                    values,
                    self._place(slug, newsletter.preheader, ("preheader",), locale),
                ),
            },
            "blocks": [
                self._block(block, (slug, ("blocks", n)), locale, values, words)
                for n, block in enumerate(newsletter.blocks)
            ],
        }
        return context

    def _web_url(self, newsletter: Newsletter, locale: str) -> str | None:
        if not newsletter.public:
            return None
        return f"{self.programme_file.site_url_of(locale)}newsletters/{newsletter.slug}/"

    def _block(
        self,
        block: Block,
        at: tuple[str, KeyPath],
        locale: str,
        values: Mapping[str, object],
        words: Strings,
    ) -> dict[str, Any]:
        slug, path = at
        if isinstance(block, TextBlock):
            text = self._text(block.markdown, locale)
            where = self._place(slug, block.markdown, (*path, "markdown"), locale)
            return {"type": "text", "html": owner_text.body(text, values, where, self.palette)}
        if isinstance(block, ImageBlock):
            return {
                "type": "image",
                "src": self._absolute(block.src),
                "alt": self._text(block.alt, locale),
                "link": block.link,
            }
        if isinstance(block, ButtonBlock):
            where = self._place(slug, block.label, (*path, "label"), locale)
            label = owner_text.subject(self._text(block.label, locale), values, where)
            return {"type": "button", "label": label, "url": block.url}
        if isinstance(block, RewardBlock):
            reward = next(r for r in self.programme_file.rewards if r.id == block.reward)
            note = block.note and owner_text.body(
                self._text(block.note, locale),
                values,
                self._place(slug, block.note, (*path, "note"), locale),
                self.palette,
            )
            return {
                "type": "reward",
                "title": self._text(reward.title, locale),
                "points": words.points(reward.points),
                "description": self._text(reward.description, locale),
                "note": note,
            }
        if isinstance(block, PointsSummaryBlock):
            title = self._text(block.title, locale) if block.title else None
            return {"type": "points_summary", "title": title}
        raise TemplateProblem(
            f"newsletter {slug}: {path}: no template for a block of type {block.type!r}"
        )

    # -- one-off emails

    def _email_context(
        self,
        name: str,
        locale: str,
        reader: Reader,
        occasion: Occasion,
        markers: Markers,
        slots: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        email = EMAILS.get(name)
        if email is None:
            raise TemplateProblem(f"no email called {name!r}; there are {', '.join(EMAILS)}")
        missing = [field for field in email.needs if getattr(occasion, field) is None]
        if missing:
            raise TemplateProblem(f"the {name} email needs {', '.join(missing)}")
        words = self.words(locale)
        values: dict[str, Any] = dict(slots or personal_values(reader, words, self.programme_file))
        texts = self._owner_values(values, occasion, words)
        context = self._context(locale, markers, marketing=email.marketing, web_url=None)
        context |= {
            "reader": values,
            "person": reader,
            "occasion": occasion,
            "owner": self._automation_texts(name, email, occasion, texts, words),
        }
        return context

    def _owner_values(
        self, values: Mapping[str, Any], occasion: Occasion, words: Strings
    ) -> dict[str, Any]:
        """What the owner's texts may use: `{{ name }}`, `{{ points_earned }}`, ..."""
        fmt = words.formatter
        texts = dict(values)
        texts["business"] = self._text(self.programme_file.business.name, fmt.locale)
        if occasion.points_earned is not None:
            texts["points_earned"] = fmt.number(occasion.points_earned)
        if occasion.available_on is not None:
            texts["available_on"] = fmt.date(occasion.available_on)
        if occasion.bonus_points is not None:
            texts["bonus_points"] = fmt.number(occasion.bonus_points)
        if occasion.certificate is not None:
            texts["certificate"] = {
                "value": fmt.money(occasion.certificate.value),
                "code": occasion.certificate.code,
                "expires_on": fmt.date(occasion.certificate.expires_on),
            }
        return texts

    def _automation_texts(
        self,
        name: str,
        email: Email,
        occasion: Occasion,
        values: Mapping[str, Any],
        words: Strings,
    ) -> dict[str, Any]:
        """The owner's subject and body for this email, or Stampbook's own words."""
        locale = words.formatter.locale
        configured = getattr(self.programme.automations, email.automation or "", None)
        path: KeyPath = (email.automation or name,)
        if name == "holiday" and configured is not None:
            greetings = configured.greetings
            found = next((n for n, g in enumerate(greetings) if g.id == occasion.greeting), None)
            if found is None:
                raise TemplateProblem(
                    f"{AUTOMATIONS_FILE}: {path[0]}: no greeting {occasion.greeting!r}"
                )
            configured, path = greetings[found], (*path, "greetings", found)
        if configured is None:
            # The programme has no text for it: Stampbook's own words.
            filled = {
                **{key: value for key, value in values.items() if isinstance(value, str)},
                **values.get("certificate", {}),
                "date": values["expires_on"],
            }
            body = owner_text.body(
                words(f"{name}.body", **filled), {}, f"{name}.body", self.palette
            )
            return {"subject": words(f"{name}.subject", **filled), "body": body}
        subject, body = configured.subject, configured.body
        return {
            "subject": owner_text.subject(
                self._text(subject, locale),
                values,
                self._place(AUTOMATIONS_FILE, subject, (*path, "subject"), locale),
            ),
            "body": owner_text.body(
                self._text(body, locale),
                values,
                self._place(AUTOMATIONS_FILE, body, (*path, "body"), locale),
                self.palette,
            ),
        }

    # -- shared

    def _text(self, text: LocalizedText, locale: str) -> str:
        return text.get(locale, self.programme_file.locales.default)

    def _place(self, source: str, text: LocalizedText, path: KeyPath, locale: str) -> TextPlace:
        """Where `text`, as taken in `locale`, was written."""
        used = text.written_in(locale, self.programme_file.locales.default)
        return TextPlace(source, path if used is None else (*path, used), locale)

    def _absolute(self, src: str) -> str:
        if "://" in src or src.startswith("data:"):
            return src
        return f"{self.programme_file.business.site_url.rstrip('/')}/{src.lstrip('/')}"

    def _context(
        self, locale: str, markers: Markers, *, marketing: bool, web_url: str | None
    ) -> dict[str, Any]:
        business = self.programme_file.business
        words = self.words(locale)
        return {
            "lang": locale,
            "t": words,
            "fmt": words.formatter,
            "palette": self.palette.colours(),
            "styles": self.palette.styles(),
            "marketing": marketing,
            "public": None,  # the archive's copy of a newsletter (`web_version`)
            "web_url": web_url,
            "links": {slot: markers(slot) for slot in sorted(LINK_SLOTS)},
            # What the programme has, for parts that mean nothing without it.
            "programme": {"certificates": bool(self.programme_file.loyalty.certificates)},
            "business": {
                "name": self._text(business.name, locale),
                "legal_name": business.legal_name,
                "postal_address": self._text(business.postal_address, locale),
                "contact_email": business.contact_email,
                "site_url": self.programme_file.site_url_of(locale),
                "logo_url": self._absolute(business.logo) if business.logo else None,
            },
        }

    def _compile(
        self, name: str, context: Mapping[str, Any], markers: Markers, *, plain_text: bool = True
    ) -> Draft:
        template_name = name + TEMPLATE_SUFFIX
        source = self._render(template_name, context)
        try:
            html = mjml.mjml2html(source)
        except ValueError as error:
            raise TemplateProblem(f"{self._path(template_name)}: MJML: {error}") from error
        text = mjml_to_text(source) if plain_text else mjml_subject_and_preheader(source)
        return Draft(
            subject=markers.split(text.subject),
            preheader=markers.split(text.preheader),
            html=markers.split(html),
            text=markers.split(text.body),
        )

    def _render(self, template_name: str, context: Mapping[str, Any]) -> str:
        try:
            return self._env.get_template(template_name).render(context)
        except (TemplateError, PersonalValueAsData, StringsProblem, TypeError, ValueError) as error:
            found = template_line(error, TEMPLATE_SUFFIX)
            where = f"{shown(found[0])}:{found[1]}" if found else self._path(template_name)
            message = getattr(error, "message", None) or str(error)
            raise TemplateProblem(f"{where}: {message}") from error

    def _path(self, template_name: str) -> str:
        try:
            _, filename, _ = self._env.loader.get_source(self._env, template_name)  # type: ignore[union-attr]
        except TemplateError:
            return template_name
        return shown(filename or template_name)
