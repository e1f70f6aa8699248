"""The plain-text part says what the MJML says: paragraphs, lists, links, buttons."""

from __future__ import annotations

from stampbook.mail.text import RULE, mjml_subject_and_preheader, mjml_to_text


def body(content: str) -> str:
    mjml = (
        "<mjml><mj-head><mj-title>Hi &amp; bye</mj-title><mj-preview>Soon</mj-preview>"
        '<mj-attributes><mj-all font-family="Arial" /></mj-attributes></mj-head>'
        f"<mj-body><mj-section><mj-column>{content}</mj-column></mj-section></mj-body></mjml>"
    )
    return mjml_to_text(mjml).body


def test_subject_and_preheader_come_from_the_head() -> None:
    text = mjml_to_text(
        "<mjml><mj-head><mj-title> Hi &amp;\n bye </mj-title>"
        "<mj-preview>Soon</mj-preview></mj-head><mj-body></mj-body></mjml>"
    )
    assert (text.subject, text.preheader) == ("Hi & bye", "Soon")


def test_subject_and_preheader_alone_read_the_same_without_the_body() -> None:
    mjml = (
        '<mjml><mj-head><mj-title css-class="x"> Hi &amp;\n bye </mj-title>'
        "<mj-style>p { color: red }</mj-style><mj-preview>Soon &lt;3</mj-preview></mj-head>"
        "<mj-body><mj-text>Body</mj-text></mj-body></mjml>"
    )
    alone = mjml_subject_and_preheader(mjml)
    assert (alone.subject, alone.preheader, alone.body) == ("Hi & bye", "Soon <3", "")
    whole = mjml_to_text(mjml)
    assert (whole.subject, whole.preheader) == (alone.subject, alone.preheader)


def test_paragraphs_and_headings_stand_apart() -> None:
    said = body(
        "<mj-text><h2>Winter lots</h2><p>Three new\n   single origins.</p><p>Kenya &lt;3</p>"
        "</mj-text>"
    )
    assert said == "Winter lots\n\nThree new single origins.\n\nKenya <3\n"


def test_links_keep_their_address_and_buttons_say_where_they_go() -> None:
    said = body(
        '<mj-text><p>Read <a href="https://x.example/a">our terms</a>, '
        'write to <a href="mailto:hi@x.example">hi@x.example</a> or '
        '<a href="https://x.example">https://x.example</a>.</p></mj-text>'
        '<mj-button href="https://x.example/shop">Shop now</mj-button>'
    )
    assert said == (
        "Read our terms (https://x.example/a), write to hi@x.example or https://x.example.\n\n"
        "Shop now: https://x.example/shop\n"
    )


def test_lists_are_dashed_or_numbered_and_nested_lists_indented() -> None:
    said = body(
        "<mj-text><ul><li>Kenya<ul><li>washed</li></ul></li><li><p>Colombia</p></li></ul>"
        "<ol><li>grind</li><li>brew</li></ol></mj-text>"
    )
    assert said == "- Kenya\n  - washed\n- Colombia\n\n1. grind\n2. brew\n"


def test_images_say_their_alt_text_and_rows_read_label_value() -> None:
    said = body(
        '<mj-image src="a.png" alt="Three bags" href="https://x.example/lots" />'
        '<mj-image src="logo.svg" alt="Logo" css-class="no-text" />'
        '<mj-image src="spacer.png" />'
        "<mj-divider />"
        "<mj-table><tr><td>Available</td><td>1 250</td></tr><tr><td>Tier</td><td>Regular</td></tr>"
        "</mj-table>"
    )
    assert said == (
        f"[Three bags] (https://x.example/lots)\n\n{RULE}\n\nAvailable: 1 250\nTier: Regular\n"
    )


def test_raw_html_and_hidden_parts_stay_out() -> None:
    said = body(
        "<mj-raw><div>tracking<br></div></mj-raw>"
        '<mj-text css-class="no-text"><p>hidden</p></mj-text><mj-text>shown<br>here</mj-text>'
    )
    assert said == "shown\nhere\n"
