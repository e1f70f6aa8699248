"""The kinds of automatic email: each an email Stampbook renders and a section the owner
writes (the holiday: one greeting of `holidays`), under the names the store keeps; and
the ones a request owes, which no section turns off."""

from __future__ import annotations

from stampbook.mail.render import EMAILS
from stampbook.programme.automations import Automations
from stampbook.records.automation_sends import TRANSACTIONAL, Automation


def test_every_automation_is_an_email_with_its_section_in_automations_yaml() -> None:
    sections = set(Automations.model_fields)
    for automation in Automation:
        email = EMAILS[automation]
        if automation in TRANSACTIONAL:
            assert email.automation is None  # nothing for the owner to turn off
            assert not email.marketing
            continue
        assert email.automation in sections, automation
        assert email.automation == ("holidays" if automation is Automation.HOLIDAY else automation)
    assert {email.automation for email in EMAILS.values() if email.automation} == sections


def test_the_stored_names_are_unchanged() -> None:
    assert [automation.value for automation in Automation] == [
        "welcome",
        "thank_you",
        "certificate_issued",
        "feedback_request",
        "points_expiring",
        "birthday",
        "holiday",
        "win_back",
        "confirm",
        "your_points",
        "already_subscribed",
    ]
