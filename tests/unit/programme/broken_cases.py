"""A corpus of broken programmes: each is one edit of the fixture and the exact problem it causes.

The fixture (`fixture/`) is a small repair shop in Bulgarian and English,
priced in euro. `where` is relative to a copy of it named `campaigns/`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Broken:
    name: str
    file: str
    find: str
    replace: str
    expected: tuple[tuple[str, str, str], ...]  # (file:line:column, key path, message)
    hint: str = ""  # expected hint of the first problem, when there is one
    # False where JSON Schema cannot express the rule (ordering, arithmetic).
    schema_rejects: bool = True
    also: tuple[tuple[str, str, str], ...] = ()  # further (file, find, replace) edits


P, A, N = "program.yaml", "automations.yaml", "newsletters/spring.yaml"

CASES = [
    Broken(
        "typo in a key",
        P,
        "    per: 1\n",
        "    pre: 1\n",
        (("campaigns/program.yaml:27:5", "loyalty.earning.pre", "unknown key 'pre'"),),
        hint="did you mean 'per'?",
    ),
    Broken(
        "words where a number belongs",
        P,
        "  birthday:\n    points: 50",
        "  birthday:\n    points: fifty",
        (
            (
                "campaigns/program.yaml:56:13",
                "loyalty.birthday.points",
                "expected a whole number, got 'fifty'",
            ),
        ),
    ),
    Broken(
        "a fraction of a point",
        P,
        "    points: 40\n",
        "    points: 40.5\n",
        (
            (
                "campaigns/program.yaml:65:13",
                "rewards[0].points",
                "expected a whole number, got 40.5",
            ),
        ),
    ),
    Broken(
        "a key indented too far",
        P,
        "  pending:\n    days: 30\n  tiers:",
        "  pending:\n    days: 30\n   tiers:",
        (
            (
                "campaigns/program.yaml:36:4",
                "(top level)",
                "YAML syntax: this line is indented differently from the lines above it",
            ),
        ),
        hint="line keys up under their parent: the same number of spaces for siblings",
    ),
    Broken(
        "a list item out of line",
        P,
        "      - id: gold\n",
        "     - id: gold\n",
        (
            (
                "campaigns/program.yaml:42:6",
                "(top level)",
                "YAML syntax: this line is indented differently from the lines above it",
            ),
        ),
        hint="line keys up under their parent: the same number of spaces for siblings",
    ),
    Broken(
        "a tab for indentation",
        P,
        "    days: 30\n",
        "\tdays: 30\n",
        (
            (
                "campaigns/program.yaml:35:1",
                "(top level)",
                "YAML syntax: a tab character",
            ),
        ),
        hint="indent with spaces, not tabs",
    ),
    Broken(
        "a colon inside an unquoted text",
        A,
        "      body: Здраве и късмет.",
        "      body: Внимание: затворено",
        (
            (
                "campaigns/automations.yaml:14:21",
                "(top level)",
                "YAML syntax: a ': ' where a plain value was expected",
            ),
        ),
        hint="put the text in quotes if it contains ': ', or check the indentation above",
    ),
    Broken(
        "a missing translation",
        P,
        "name: { en: Gold, bg: Злато }",
        "name: { en: Gold }",
        (
            (
                "campaigns/program.yaml:43:15",
                "loyalty.tiers.levels[1].name",
                "missing translation for 'bg'",
            ),
        ),
        hint="add `bg:` with the text in that language, or write one plain text for every language",
    ),
    Broken(
        "a translation under a misspelt language",
        N,
        "label: { en: Book, bg: Запази час }",
        "label: { en: Book, gb: Запази час }",
        (
            (
                "campaigns/newsletters/spring.yaml:16:12",
                "blocks[2].label",
                "missing translation for 'bg'",
            ),
            (
                "campaigns/newsletters/spring.yaml:16:24",
                "blocks[2].label.gb",
                "'gb' is not one of the languages here (bg, en)",
            ),
        ),
    ),
    Broken(
        "a greeting missing the language it is sent in",
        A,
        "      subject: { en: Happy Easter, bg: Христос воскресе! }",
        "      subject: { en: Happy Easter }",
        (
            (
                "campaigns/automations.yaml:17:16",
                "holidays.greetings[1].subject",
                "missing translation for 'bg'",
            ),
        ),
    ),
    Broken(
        "a dangling reward",
        N,
        "    reward: screen-clean",
        "    reward: screen-cleen",
        (
            (
                "campaigns/newsletters/spring.yaml:14:13",
                "blocks[1].reward",
                "unknown reward 'screen-cleen'",
            ),
        ),
        hint="did you mean 'screen-clean'?",
    ),
    Broken(
        "a dangling tier in an audience",
        N,
        "  tiers: [gold]",
        "  tiers: [platinum]",
        (
            (
                "campaigns/newsletters/spring.yaml:5:11",
                "audience.tiers[0]",
                "unknown tier 'platinum'",
            ),
        ),
        hint="the tiers are: member, gold",
    ),
    Broken(
        "a dangling interest",
        N,
        "  interests: [phones]",
        "  interests: [phone]",
        (
            (
                "campaigns/newsletters/spring.yaml:7:15",
                "audience.interests[0]",
                "unknown interest 'phone'",
            ),
        ),
        hint="did you mean 'phones'?",
    ),
    Broken(
        "an audience in a language the programme lacks",
        N,
        "  locales: [bg]",
        "  locales: [ru]",
        (("campaigns/newsletters/spring.yaml:6:13", "audience.locales[0]", "unknown locale 'ru'"),),
    ),
    Broken(
        "a negative threshold",
        P,
        "    over: 50",
        "    over: -50",
        (
            (
                "campaigns/program.yaml:54:11",
                "loyalty.free_shipping.over",
                "must be greater than 0, got -50",
            ),
        ),
    ),
    Broken(
        "no referral bonus at all in a month",
        P,
        "    referrer_points: 100\n",
        "    referrer_points: 100\n    max_per_month: 0\n",
        (
            (
                "campaigns/program.yaml:59:20",
                "loyalty.referral.max_per_month",
                "must be at least 1, got 0",
            ),
        ),
    ),
    Broken(
        "a negative tier start",
        P,
        "        min_spend: 0\n",
        "        min_spend: -1\n",
        (
            (
                "campaigns/program.yaml:41:20",
                "loyalty.tiers.levels[0].min_spend",
                "must not be negative, got -1",
            ),
        ),
        hint="use 0 or a positive number",
    ),
    Broken(
        "overlapping tiers",
        P,
        "        min_spend: 500",
        "        min_spend: 0",
        (
            (
                "campaigns/program.yaml:44:20",
                "loyalty.tiers.levels[1].min_spend",
                "tier 'gold' starts at 0, which is not above 'member' (0); tiers would overlap",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "an unknown currency",
        P,
        "currency: EUR",
        "currency: EUX",
        (("campaigns/program.yaml:9:11", "currency", "unknown currency 'EUX'"),),
        hint="did you mean 'EUR'?",
        schema_rejects=False,
    ),
    Broken(
        "a currency that is not a code",
        P,
        "currency: EUR",
        "currency: euro",
        (
            (
                "campaigns/program.yaml:9:11",
                "currency",
                "expected a three-letter ISO 4217 currency code, got 'euro'",
            ),
        ),
    ),
    Broken(
        "the lev by its name",
        P,
        "currency: EUR",
        "currency: LEV",
        (("campaigns/program.yaml:9:11", "currency", "unknown currency 'LEV'"),),
        hint="did you mean 'BGN' (Bulgarian Lev)?",
        schema_rejects=False,
    ),
    Broken(
        "a rouble withdrawn in 1998",
        P,
        "currency: EUR",
        "currency: RUR",
        (
            (
                "campaigns/program.yaml:9:11",
                "currency",
                "'RUR' (Russian Ruble (1991–1998)) is not a currency in use today",
            ),
        ),
        hint="did you mean 'RUB' (Russian Ruble)?",
        schema_rejects=False,
    ),
    Broken(
        "the dram by its name",
        P,
        "currency: EUR",
        "currency: DRAM",
        (
            (
                "campaigns/program.yaml:9:11",
                "currency",
                "expected a three-letter ISO 4217 currency code, got 'DRAM'",
            ),
        ),
        hint="did you mean 'AMD' (Armenian Dram)?",
    ),
    Broken(
        "the euro by its name",
        P,
        "currency: EUR",
        "currency: EURO",
        (
            (
                "campaigns/program.yaml:9:11",
                "currency",
                "expected a three-letter ISO 4217 currency code, got 'EURO'",
            ),
        ),
        hint="did you mean 'EUR' (Euro)?",
    ),
    Broken(
        "cents below the currency's precision",
        P,
        "      value: 25.50",
        "      value: 25.505",
        (
            (
                "campaigns/program.yaml:51:14",
                "loyalty.certificates[0].value",
                "25.505 has more decimals than EUR allows (2)",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a rounding that does not exist",
        P,
        "    rounding: nearest",
        "    rounding: round",
        (
            (
                "campaigns/program.yaml:28:15",
                "loyalty.earning.rounding",
                "'round' is not one of 'down', 'nearest' or 'up'",
            ),
        ),
        hint="use one of: down, nearest, up",
    ),
    Broken(
        "an unknown block type",
        N,
        "  - type: points_summary",
        "  - type: points-summary",
        (("campaigns/newsletters/spring.yaml:21:5", "blocks[4]", "unknown type 'points-summary'"),),
        hint="did you mean 'points_summary'?",
    ),
    Broken(
        "a block without a type",
        N,
        "  - type: reward\n    reward",
        "  - reward",
        (("campaigns/newsletters/spring.yaml:13:5", "blocks[1]", "missing required key 'type'"),),
        hint="add `type:` with one of: text, image, button, reward, points_summary",
    ),
    Broken(
        "a key written twice",
        P,
        "currency: EUR\n",
        "currency: EUR\ncurrency: BGN\n",
        (
            (
                "campaigns/program.yaml:10:1",
                "currency",
                "duplicate key 'currency' (first at line 9)",
            ),
        ),
    ),
    Broken(
        "a key written twice hides no other mistake",
        P,
        "currency: EUR\n",
        "currency: EUR\ncurrency: BGN\n",
        (
            (
                "campaigns/newsletters/spring.yaml:14:13",
                "blocks[1].reward",
                "unknown reward 'screen-cleen'",
            ),
            (
                "campaigns/program.yaml:10:1",
                "currency",
                "duplicate key 'currency' (first at line 9)",
            ),
            ("campaigns/program.yaml:28:5", "loyalty.earning.pre", "unknown key 'pre'"),
        ),
        also=(
            (P, "    per: 1\n", "    pre: 1\n"),
            (N, "reward: screen-clean", "reward: screen-cleen"),
        ),
    ),
    Broken(
        "a text written twice in a greeting, and a day that does not exist",
        A,
        "      subject: Честита Баба Марта!\n",
        "      subject: Честита Баба Марта!\n      subject: Baba Marta\n",
        (
            (
                "campaigns/automations.yaml:11:13",
                "holidays.greetings[0].date",
                "'02-30' is not a real date",
            ),
            (
                "campaigns/automations.yaml:14:7",
                "holidays.greetings[0].subject",
                "duplicate key 'subject' (first at line 13)",
            ),
        ),
        also=((A, '      date: "03-01"', '      date: "02-30"'),),
    ),
    Broken(
        "two rewards with one id",
        P,
        "rewards:\n",
        "rewards:\n  - id: screen-clean\n    title: Twice\n    points: 1\n    description: Again\n",
        (
            (
                "campaigns/program.yaml:67:9",
                "rewards[1].id",
                "duplicate reward id 'screen-clean' (also reward #1)",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a required key left out",
        P,
        "  legal_name: Fix-It Corner EOOD\n",
        "",
        (
            (
                "campaigns/program.yaml:2:3",
                "business.legal_name",
                "missing required key 'legal_name'",
            ),
        ),
        hint="add `legal_name:` here",
    ),
    Broken(
        "a warning after the expiry",
        P,
        "    warn_days_before: 45",
        "    warn_days_before: 800",
        (
            (
                "campaigns/program.yaml:60:5",
                "loyalty.expiry",
                "warn_days_before must be less than after_inactive_days, "
                "or the warning would come before the points can expire",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a bonus on an unknown category",
        P,
        "      - category: repairs",
        "      - category: repair",
        (
            (
                "campaigns/program.yaml:32:19",
                "loyalty.earning.category_bonuses[0].category",
                "unknown category 'repair'",
            ),
        ),
        hint="did you mean 'repairs'?",
    ),
    Broken(
        "a shop's product in an unknown category",
        P,
        "rewards:\n",
        "shops:\n  categories:\n    - match: { sku_prefix: R- }\n      category: repair\n"
        "  default_category: parts\nrewards:\n",
        (
            (
                "campaigns/program.yaml:65:17",
                "shops.categories[0].category",
                "unknown category 'repair'",
            ),
        ),
        hint="did you mean 'repairs'?",
    ),
    Broken(
        "a bonus on an excluded category",
        P,
        "      categories: [parts]",
        "      categories: [parts, repairs]",
        (
            (
                "campaigns/program.yaml:32:19",
                "loyalty.earning.category_bonuses[0].category",
                "category 'repairs' earns no points (it is excluded) but also has a bonus",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a default language that is not offered",
        P,
        "  default: bg",
        "  default: de",
        (("campaigns/program.yaml:11:12", "locales.default", "unknown locale 'de'"),),
        hint="the locales are: bg, en",
        schema_rejects=False,
    ),
    Broken(
        "a language code that does not exist",
        P,
        "  available: [bg, en]",
        "  available: [bg, en, qq]",
        (("campaigns/program.yaml:12:23", "locales.available[2]", "unknown language code 'qq'"),),
        hint="Stampbook speaks bg (Bulgarian), en (English), hy (Armenian) and ru (Russian)",
    ),
    Broken(
        "Amharic typed for Armenian",
        P,
        "  available: [bg, en]",
        "  available: [bg, en, am]",
        (
            (
                "campaigns/program.yaml:12:23",
                "locales.available[2]",
                "Stampbook has no words in Amharic ('am')",
            ),
        ),
        hint="'am' is Amharic; Armenian is 'hy'",
    ),
    Broken(
        "a language Stampbook has no words in",
        P,
        "  available: [bg, en]",
        "  available: [de, bg, en]",
        (
            (
                "campaigns/program.yaml:12:15",
                "locales.available[0]",
                "Stampbook has no words in German ('de')",
            ),
        ),
        hint="Stampbook speaks bg (Bulgarian), en (English), hy (Armenian) and ru (Russian)",
    ),
    Broken(
        "a regional variant of a language",
        P,
        "  available: [bg, en]",
        "  available: [bg, en, en_GB]",
        (
            (
                "campaigns/program.yaml:12:23",
                "locales.available[2]",
                "Stampbook has no words in English (United Kingdom) ('en_GB')",
            ),
        ),
        hint="Stampbook's English is 'en'",
    ),
    Broken(
        "a language by its name",
        P,
        "  available: [bg, en]",
        "  available: [bg, English]",
        (
            (
                "campaigns/program.yaml:12:19",
                "locales.available[1]",
                "expected a language code, got 'English'",
            ),
        ),
        hint="did you mean 'en' (English)?",
    ),
    Broken(
        "a language by its country's code",
        P,
        "  available: [bg, en]",
        "  available: [bg, en, by]",
        (("campaigns/program.yaml:12:23", "locales.available[2]", "unknown language code 'by'"),),
        hint="did you mean 'ru' (Russian)?",
    ),
    Broken(
        "a misspelt time zone",
        P,
        "  timezone: Europe/Sofia",
        "  timezone: Europe/Sofa",
        (("campaigns/program.yaml:8:13", "business.timezone", "unknown time zone 'Europe/Sofa'"),),
        hint="did you mean 'Europe/Sofia'?",
        schema_rejects=False,
    ),
    Broken(
        "a holiday on a day that does not exist",
        A,
        '      date: "03-01"',
        '      date: "02-30"',
        (
            (
                "campaigns/automations.yaml:11:13",
                "holidays.greetings[0].date",
                "'02-30' is not a real date",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "29 February in a year without one",
        A,
        "      date: 2027-05-02",
        "      date: 2027-02-29",
        (
            (
                "campaigns/automations.yaml:16:13",
                "holidays.greetings[1].date",
                "'2027-02-29' is not a real date",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a yearly greeting on 29 February",
        A,
        '      date: "03-01"',
        '      date: "02-29"',
        (
            (
                "campaigns/automations.yaml:11:13",
                "holidays.greetings[0].date",
                "'02-29' comes only in leap years; greet on 02-28 or 03-01, "
                "or give the year (YYYY-02-29) for one leap day",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a date that is not a date",
        A,
        "      date: 2027-05-02",
        "      date: 2 May 2027",
        (
            (
                "campaigns/automations.yaml:16:13",
                "holidays.greetings[1].date",
                "a holiday date is MM-DD (every year) or YYYY-MM-DD (once)",
            ),
        ),
    ),
    Broken(
        "a country by its name",
        A,
        "{ country: BG, name: Liberation Day }",
        "{ country: Bulgaria, name: Liberation Day }",
        (
            (
                "campaigns/automations.yaml:20:27",
                "holidays.greetings[2].holiday.country",
                "no holiday calendar for 'Bulgaria'",
            ),
        ),
        hint="did you mean 'BG' (Bulgaria)?",
    ),
    Broken(
        "a country code that does not exist",
        A,
        "{ country: BG, name: Liberation Day }",
        "{ country: QQ, name: Liberation Day }",
        (
            (
                "campaigns/automations.yaml:20:27",
                "holidays.greetings[2].holiday.country",
                "no holiday calendar for 'QQ'",
            ),
        ),
        hint="use the country's two-letter ISO 3166 code, e.g. `BG`, `AM`, `RU`",
        schema_rejects=False,
    ),
    Broken(
        "a holiday by half its name",
        A,
        "name: Liberation Day }",
        "name: Liberation }",
        (
            (
                "campaigns/automations.yaml:20:37",
                "holidays.greetings[2].holiday.name",
                "no holiday 'Liberation' in the calendar of Bulgaria (BG)",
            ),
        ),
        hint="did you mean 'Liberation Day'?",
        schema_rejects=False,
    ),
    Broken(
        "a misspelt holiday",
        A,
        "name: Liberation Day }",
        "name: Eastr }",
        (
            (
                "campaigns/automations.yaml:20:37",
                "holidays.greetings[2].holiday.name",
                "no holiday 'Eastr' in the calendar of Bulgaria (BG)",
            ),
        ),
        hint="did you mean 'Easter'?",
        schema_rejects=False,
    ),
    Broken(
        "Easter where the calendar lists only days off",
        A,
        "{ country: BG, name: Liberation Day }",
        "{ country: RU, name: Easter }",
        (
            (
                "campaigns/automations.yaml:20:37",
                "holidays.greetings[2].holiday.name",
                "no holiday 'Easter' in the calendar of Russia (RU)",
            ),
        ),
        hint="did you mean 'Orthodox Easter' or 'Western Easter'?",
        schema_rejects=False,
    ),
    Broken(
        "a greeting with a date and a holiday",
        A,
        "      holiday: { country: BG, name: Liberation Day }\n",
        '      holiday: { country: BG, name: Liberation Day }\n      date: "03-03"\n',
        (
            (
                "campaigns/automations.yaml:19:7",
                "holidays.greetings[2]",
                "a greeting has either a `date` or a `holiday`, not both",
            ),
        ),
    ),
    Broken(
        "a greeting with no day",
        A,
        "      date: 2027-05-02\n",
        "",
        (
            (
                "campaigns/automations.yaml:15:7",
                "holidays.greetings[1]",
                "a greeting needs a `date` (MM-DD or YYYY-MM-DD) "
                "or a `holiday` (e.g. `{country: BG, name: Easter}`)",
            ),
        ),
    ),
    Broken(
        "a range upside down",
        N,
        "{ min: 60, max: 365 }",
        "{ min: 400, max: 365 }",
        (
            (
                "campaigns/newsletters/spring.yaml:8:29",
                "audience.days_since_last_purchase",
                "min (400) is greater than max (365)",
            ),
        ),
        schema_rejects=False,
    ),
    Broken(
        "a slug with spaces",
        N,
        "slug: spring-check-up",
        "slug: Spring check up",
        (
            (
                "campaigns/newsletters/spring.yaml:1:7",
                "slug",
                "expected an id of lowercase letters, digits, '-' or '_', got 'Spring check up'",
            ),
        ),
    ),
    Broken(
        "a list where a mapping belongs",
        P,
        "  pending:\n    days: 30",
        "  pending:\n    - 30",
        (
            (
                "campaigns/program.yaml:35:5",
                "loyalty.pending",
                "expected a mapping of keys and values, got a list",
            ),
        ),
    ),
    Broken(
        "an email address without an @",
        P,
        "shop@fixit.example",
        "shop.fixit.example",
        (
            (
                "campaigns/program.yaml:5:18",
                "business.contact_email",
                "expected an email address, got 'shop.fixit.example'",
            ),
        ),
    ),
    Broken(
        "a multiplier of zero",
        P,
        "        multiplier: 1.5",
        "        multiplier: 0",
        (
            (
                "campaigns/program.yaml:33:21",
                "loyalty.earning.category_bonuses[0].multiplier",
                "must be greater than 0, got 0",
            ),
        ),
    ),
    Broken(
        "an expiry email with no expiry rule",
        P,
        "  expiry:\n    after_inactive_days: 730\n    warn_days_before: 45\n",
        "",
        (
            (
                "campaigns/automations.yaml:5:3",
                "points_expiring",
                "'points_expiring' is on but program.yaml has no loyalty.expiry",
            ),
        ),
        hint="add loyalty.expiry to program.yaml or set `enabled: false`",
        also=((A, "  enabled: false\n", "  enabled: true\n"),),
        schema_rejects=False,
    ),
    Broken(
        "a filled-in value in a text left without quotes",
        A,
        "  subject: { en: Welcome!, bg: Добре дошли! }",
        "  subject: { en: Welcome {{ name }}!, bg: Добре дошли! }",
        (
            (
                "campaigns/automations.yaml:2:26",
                "(top level)",
                "YAML syntax: expected ',' or '}', but got '{'",
            ),
        ),
        hint='put a text with {{ }} in quotes: "Hello, {{ name }}!"',
        schema_rejects=False,
    ),
    Broken(
        "a bracket on the last line never closed",
        A,
        "  body: { en: Come back., bg: Елате пак. }\n",
        "  body: { en: Come back., bg: Елате пак.\n",
        (
            (
                # Found at the end of the file, shown where the bracket opened.
                "campaigns/automations.yaml:27:9",
                "(top level)",
                "YAML syntax: a bracket opened here is never closed",
            ),
        ),
        hint="close it on the same line, or put the text in quotes",
        schema_rejects=False,
    ),
    Broken(
        "a member link that would not work a day",
        P,
        "    description: { en: Any phone or tablet., bg: Всеки телефон или таблет. }\n",
        "    description: { en: Any phone or tablet., bg: Всеки телефон или таблет. }\n"
        "links:\n  member_page_days: 0\n",
        (
            (
                "campaigns/program.yaml:68:21",
                "links.member_page_days",
                "must be at least 1, got 0",
            ),
        ),
    ),
    Broken(
        "a holdout written as a bare number",
        N,
        "send_at: 2027-03-01T09:00:00+02:00\n",
        "send_at: 2027-03-01T09:00:00+02:00\nholdout: 10\n",
        (
            (
                "campaigns/newsletters/spring.yaml:10:10",
                "holdout",
                "write the share as a percentage, e.g. `holdout: 10%` for one person in ten"
                " (not a bare 10, which could be read two ways)",
            ),
        ),
    ),
    Broken(
        "a holdout larger than the audience it measures",
        A,
        "  after_days: 120\n",
        "  after_days: 120\n  holdout: 60%\n",
        (
            (
                "campaigns/automations.yaml:26:12",
                "win_back.holdout",
                "60% would hold out more people than it sends to; at most 50%"
                " (10% is usual: enough to measure, few left without the email)",
            ),
        ),
    ),
    Broken(
        "a holdout on an email the customer needs",
        A,
        "  enabled: false\n",
        "  enabled: false\n  holdout: 10%\n",
        (("campaigns/automations.yaml:6:3", "points_expiring.holdout", "unknown key 'holdout'"),),
        hint="only an email that merely invites can be held out (a newsletter issue, birthday,"
        " holidays, win_back); one that tells customers what they need to know goes to everyone",
    ),
]
