"""Emails compile to drafts: newsletters once per issue and language, one-off emails per person."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stampbook.mail.draft import LINK_SLOTS, Slot
from stampbook.mail.problems import TemplateProblem
from stampbook.mail.reader import PERSONAL_SLOTS, Occasion, personal_values
from stampbook.mail.render import EMAILS, Renderer
from stampbook.programme import Programme, load_programme
from stampbook.programme.newsletter import Newsletter
from tests.support.mail_examples import LANGUAGES

from .conftest import LINKS, OCCASION, anna, shown, write

WINTER = "2026-12-winter-lots"
CUPPING = "2027-01-regulars-cupping"


def newsletter(programme: Programme, slug: str) -> Newsletter:
    found = programme.newsletter(slug)
    assert found is not None
    return found


def test_a_newsletter_is_compiled_once_per_issue_and_language(
    renderer: Renderer, example: Programme
) -> None:
    issue = newsletter(example, WINTER)
    first = renderer.newsletter(issue, "ru")
    assert renderer.newsletter(issue, "ru") is first
    assert renderer.newsletter(issue, "en") is not first


def test_personal_values_are_slots_and_filled_per_reader(
    renderer: Renderer, example: Programme
) -> None:
    issue = newsletter(example, CUPPING)
    draft = renderer.newsletter(issue, "ru")
    assert draft.subject == (Slot("name"), ", приглашаем на каппинг для своих")
    assert {"name", "points", "tier", "expiry", "unsubscribe_url"} <= draft.slots()
    assert draft.slots() <= set(PERSONAL_SLOTS) | LINK_SLOTS

    values = personal_values(anna(name="Анна <b>"), renderer.words("ru"), example.programme_file)
    html = draft.fill_html({**LINKS, **values})
    text = draft.fill_text({**LINKS, **values})
    assert draft.fill_subject(values) == "Анна <b>, приглашаем на каппинг для своих"
    assert "Анна &lt;b&gt;" in html
    assert "Анна <b>" not in html
    assert "Завсегдатай" in html
    assert "Уровень: Завсегдатай" in text
    assert 'href="https://mednaya-turka.example/unsubscribe_url?token=a&amp;b"' in html
    assert "Отписаться (https://mednaya-turka.example/unsubscribe_url?token=a&b)" in text
    # Nothing of a reader is left in the fixed parts for everyone.
    fixed = "".join(p for part in (draft.html, draft.text) for p in part if isinstance(p, str))
    assert "Анна" not in fixed
    assert not re.search(r"zq\d+slotzq", fixed)


def test_a_reader_without_a_name_is_greeted_as_a_friend(
    renderer: Renderer, example: Programme
) -> None:
    values = personal_values(anna(name=" "), renderer.words("en"), example.programme_file)
    assert values["name"] == "friend"
    assert values["certificates"].startswith("RUB\u00a02,500.00, code ABCD-EFGH-JKLM")
    nothing_due = anna(expiring_points=0, certificates=())
    values = personal_values(nothing_due, renderer.words("ru"), example.programme_file)
    assert (values["expiry"], values["certificates"]) == ("—", "—")


def test_readers_sharing_a_balance_share_values_but_keep_their_names(
    renderer: Renderer, example: Programme
) -> None:
    anna_values = renderer.personal_values(anna(), "ru")
    boris = renderer.personal_values(anna(name="Борис", email="boris@example.com"), "ru")
    nameless = renderer.personal_values(anna(name=""), "ru")
    richer = renderer.personal_values(anna(points=99_999), "ru")
    assert anna_values == personal_values(anna(), renderer.words("ru"), example.programme_file)
    assert boris == {**anna_values, "name": "Борис"}
    assert nameless["name"] == renderer.words("ru")("common.friend")
    assert richer["points"] == "99\u00a0999"
    assert anna_values["name"] == "Анна"  # the shared values were not changed by the others


def test_the_newsletter_shows_every_block(renderer: Renderer, example: Programme) -> None:
    issue = newsletter(example, WINTER)
    draft = renderer.newsletter(issue, "en")
    text = shown(draft.text)
    assert shown(draft.preheader).startswith("Ethiopia, Colombia and Kenya")
    assert "The winter lots\n\nWe have roasted three new single origins." in text
    assert "[Three bags of coffee on a wooden table]" in text
    assert "Shop now: https://mednaya-turka.example/shop/winter" in text
    assert "A 250 g bag of coffee\n\nFor 600 points\nAny single origin" in text
    assert "Available: <points>\nPending: <pending_points>\nTier: <tier>" in text
    assert "See my points: <points_url>" in text
    # An English reader is sent to the English site (the default, Russian, is at the root).
    assert "View this email in your browser (https://mednaya-turka.example/en/newsletters/" in text
    html = shown(draft.html)
    assert "<strong>Kagumoini</strong>" in html
    assert 'alt="Three bags of coffee on a wooden table"' in html
    # The legal footer of a marketing email.
    assert "ООО «Медная турка»" in html
    assert "7 Malaya Konyushennaya St" in html
    assert 'href="<preferences_url>"' in html
    assert 'href="<unsubscribe_url>"' in html


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_newsletter_renders_in_every_language(
    renderer: Renderer, example: Programme, locale: str
) -> None:
    for issue in example.newsletters:
        draft = renderer.newsletter(issue, locale)
        assert draft.subject
        assert draft.preheader
        assert shown(draft.html).startswith("<!doctype html>")
        assert f'lang="{locale}"' in shown(draft.html)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_web_version_is_the_newsletter_for_no_one_in_particular(
    renderer: Renderer, example: Programme, locale: str
) -> None:
    words = renderer.words(locale)
    site = example.programme_file.site_url_of(locale)
    for issue in example.newsletters:
        email, web = renderer.newsletter(issue, locale), renderer.web_version(issue, locale)
        assert (web.subject, web.preheader) == (email.subject, email.preheader)
        assert email.text
        assert web.text == ()  # a browser never reads the plain text
        page = shown(web.html)
        assert "<unsubscribe_url>" in shown(email.html)  # what the web version leaves out
        # No one's points, no one's links, no link to itself: the way to join instead.
        for slot in ("points", "pending_points", "tier", "points_url", "unsubscribe_url"):
            assert f"<{slot}>" not in page
        assert words("layout.web_version") not in page
        assert words("layout.unsubscribe") not in page
        assert f'href="{site}signup/"' in page
        assert f'href="{site}newsletters/"' in page
        if any(block.type == "points_summary" for block in issue.blocks):
            assert words("web.join_title") in page
            assert words("summary.available") not in page


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("name", sorted(EMAILS))
def test_every_email_renders_in_every_language(renderer: Renderer, name: str, locale: str) -> None:
    draft = renderer.email(name, locale, anna(locale=locale), OCCASION)
    assert draft.slots() <= LINK_SLOTS  # one person's email: only the signed links vary
    assert shown(draft.subject).strip()
    assert shown(draft.preheader).strip()
    html, text = shown(draft.html), shown(draft.text)
    assert html.startswith("<!doctype html>")
    assert "ООО «Медная турка»" in text
    marketing = "unsubscribe_url" in draft.slots()
    assert marketing == EMAILS[name].marketing
    if marketing:
        assert "<unsubscribe_url>" in text
    # Every member's email, marketing or not, leads to their points and preferences
    # (export and delete among them); the confirmation goes to no member yet.
    member = {"points_url", "preferences_url"} <= draft.slots()
    assert member == (name != "confirm")


def test_owner_texts_and_counted_points_in_a_receipt(renderer: Renderer) -> None:
    draft = renderer.email("thank_you", "ru", anna(), OCCASION)
    assert shown(draft.subject) == "Спасибо за покупку!"  # automations.yaml
    assert shown(draft.preheader) == "Вы получили 75 баллов."
    text = shown(draft.text)
    assert "Здравствуйте, Анна!" in text
    assert "Вы получили 75 баллов. Они станут доступны через 14 дней." in text
    assert "Баллы за эту покупку: 75 баллов\nОни станут доступны 7 декабря 2026" in text
    assert "Мои баллы: <points_url>" in text


def test_a_certificate_email_shows_value_code_and_last_day(renderer: Renderer) -> None:
    text = shown(renderer.email("certificate_issued", "en", anna(locale="en"), OCCASION).text)
    assert "Value: RUB\u00a02,500.00\nCode: ABCD-EFGH-JKLM\nValid until: February 21, 2027" in text


def test_without_an_automation_the_builtin_words_are_used(campaigns: Path) -> None:
    (campaigns / "automations.yaml").unlink()
    renderer = Renderer(load_programme(campaigns))
    draft = renderer.email("birthday", "bg", anna(name="Мария"), OCCASION)
    assert shown(draft.subject) == "Честит рожден ден, Мария!"
    assert "Пожелаваме ви прекрасна година." in shown(draft.text)
    assert "Нашият подарък: 200 точки бяха добавени към профила ви." in shown(draft.text)
    expiring = renderer.email("points_expiring", "en", anna(locale="en"), Occasion())
    assert "Visit us before December 14, 2026 to keep your points." in shown(expiring.text)


def test_the_owners_markdown_cannot_break_the_markup(campaigns: Path) -> None:
    write(
        campaigns / "automations.yaml",
        "welcome:\n  subject: Hi {{ name }}\n"
        "  body: '<script>alert(1)</script> [x](javascript:alert(1)) </mj-text> *{{ name }}*'\n",
    )
    draft = Renderer(load_programme(campaigns)).email("welcome", "en", anna(name="*Bo*"))
    html = shown(draft.html)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "&lt;/mj-text&gt;" in html
    # The customer's name is shown as written, inside the owner's emphasis.
    assert "<em>*Bo*</em>" in html


def test_a_missing_variable_names_the_template_line_and_variable(campaigns: Path) -> None:
    write(
        campaigns / "templates" / "email" / "confirm.mjml.j2",
        '{% extends "base.mjml.j2" %}\n{% block content %}\n'
        "<mj-text>{{ reader.nmae }}</mj-text>\n{% endblock %}\n",
    )
    renderer = Renderer(load_programme(campaigns))
    with pytest.raises(TemplateProblem) as problem:
        renderer.email("confirm", "en", anna())
    message = str(problem.value)
    assert re.search(r"templates/email/confirm\.mjml\.j2:3: .*'nmae'", message), message


def test_a_missing_variable_in_an_owner_text_names_the_text(campaigns: Path) -> None:
    write(
        campaigns / "automations.yaml",
        "welcome:\n  subject: Hi\n  body:\n    ru: |\n      Привет!\n\n      У вас {{ pointz }}.\n"
        "    en: Hi\n",
    )
    renderer = Renderer(load_programme(campaigns))
    with pytest.raises(TemplateProblem) as problem:
        renderer.email("welcome", "ru", anna())
    assert str(problem.value) == (
        "automations.yaml: welcome.body (ru), line 3: 'pointz' is undefined"
    )


def test_a_newsletter_cannot_decide_by_a_readers_value(campaigns: Path) -> None:
    write(
        campaigns / "templates" / "email" / "newsletter.mjml.j2",
        '{% extends "base.mjml.j2" %}\n{% block content %}\n'
        "{% if reader.points > 100 %}<mj-text>rich</mj-text>{% endif %}\n{% endblock %}\n",
    )
    programme = load_programme(campaigns)
    issue = newsletter(programme, WINTER)
    with pytest.raises(TemplateProblem) as problem:
        Renderer(programme).newsletter(issue, "ru")
    message = str(problem.value)
    assert "newsletter.mjml.j2:3: 'points' differs from reader to reader" in message


def test_an_owner_template_replaces_the_builtin_one(campaigns: Path) -> None:
    write(
        campaigns / "templates" / "email" / "confirm.mjml.j2",
        '{% extends "base.mjml.j2" %}\n{% block subject %}Да или нет?{% endblock %}\n'
        '{% block content %}<mj-button href="{{ links.confirm_url }}">Да</mj-button>'
        "{% endblock %}\n",
    )
    draft = Renderer(load_programme(campaigns)).email("confirm", "ru", anna())
    assert shown(draft.subject) == "Да или нет?"
    assert "Да: <confirm_url>" in shown(draft.text)


def test_broken_mjml_is_reported_with_the_template(campaigns: Path) -> None:
    write(campaigns / "templates" / "email" / "confirm.mjml.j2", "<mjml><mj-body>\n")
    with pytest.raises(TemplateProblem, match=r"confirm\.mjml\.j2: MJML: "):
        Renderer(load_programme(campaigns)).email("confirm", "ru", anna())


def test_an_email_without_what_it_is_about_is_refused(renderer: Renderer) -> None:
    with pytest.raises(TemplateProblem, match="the thank_you email needs points_earned"):
        renderer.email("thank_you", "ru", anna())
    with pytest.raises(TemplateProblem, match="no email called 'thanks'"):
        renderer.email("thanks", "ru", anna())
    with pytest.raises(TemplateProblem, match="no greeting 'easter'"):
        renderer.email("holiday", "ru", anna(), Occasion(greeting="easter"))


def test_the_brand_colours_every_email_and_no_logo_shows_the_name(campaigns: Path) -> None:
    program = campaigns / "program.yaml"
    text = program.read_text("utf-8")
    text = text.replace('accent: "#a4502a"', 'accent: "#1f5f8b"')
    text = text.replace('background: "#f4eee8"', 'background: "#eef3f7"')
    program.write_text(text.replace("  logo: assets/logo.png\n", ""), "utf-8")
    write(
        campaigns / "automations.yaml",
        "welcome:\n  subject: Hi\n  body: 'Read [our terms](https://example.com/terms).'\n",
    )
    draft = Renderer(load_programme(campaigns)).email("welcome", "en", anna(locale="en"))
    html = shown(draft.html)
    # The owner's link, the page around the email, and no copper left anywhere.
    assert 'style="color:#1f5f8b;text-decoration:underline;">our terms</a>' in html
    assert "#eef3f7" in html
    assert "#a4502a" not in html
    assert "#f4eee8" not in html
    # Without a logo the business's name heads the email, not a broken image.
    assert "<img" not in html
    assert "Copper Cezve" in html
