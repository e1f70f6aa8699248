"""Mail settings from the environment: the outbox needs none, the rest fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from stampbook.bootstrap import open_keyring, open_transport
from stampbook.config import MailSettings, Settings, SettingsError
from stampbook.mail.tokens import Purpose, new_key_text
from tests.support.mail_examples import anna, newsletter

from .test_tokens import NOW


def test_with_no_settings_mail_goes_to_the_outbox(tmp_path: Path) -> None:
    mail = MailSettings.from_env({})
    assert mail.transport == "outbox"
    assert mail.outbox == Path("data/outbox")
    settings = Settings(mail=MailSettings.from_env({"STAMPBOOK_OUTBOX": str(tmp_path / "out")}))
    accepted = open_transport(settings).send(newsletter().message(anna()))
    assert (tmp_path / "out" / accepted.provider_id).exists()


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"STAMPBOOK_MAIL": "pigeon"}, "outbox, smtp, ses"),
        ({"STAMPBOOK_MAIL": "smtp"}, "STAMPBOOK_SMTP_HOST"),
        ({"STAMPBOOK_SMTP_HOST": "mail.example.com", "STAMPBOOK_SMTP_PORT": "25x"}, "port"),
        ({"STAMPBOOK_SMTP_HOST": "mail.example.com", "STAMPBOOK_SMTP_SECURITY": "ssl"}, "tls"),
    ],
)
def test_unusable_mail_settings_are_refused_clearly(env: dict[str, str], complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        MailSettings.from_env(env)


def test_smtp_settings_from_the_environment() -> None:
    mail = MailSettings.from_env(
        {
            "STAMPBOOK_MAIL": "smtp",
            "STAMPBOOK_SMTP_HOST": "mail.example.com",
            "STAMPBOOK_SMTP_SECURITY": "tls",
            "STAMPBOOK_SMTP_USER": "shop",
            "STAMPBOOK_SMTP_PASSWORD": "secret",
        }
    )
    assert mail.smtp is not None
    assert (mail.smtp.host, mail.smtp.port, mail.smtp.security) == ("mail.example.com", 465, "tls")
    assert "secret" not in repr(mail)


def test_keys_from_the_environment_sign_with_the_first(tmp_path: Path) -> None:
    keys = f"{new_key_text('k2')},{new_key_text('k1')}"
    settings = Settings(mail=MailSettings(signing_keys=keys, key_file=tmp_path / "keys"))
    assert open_keyring(settings).sign(Purpose.CONFIRM, "c1", NOW).startswith("k2.")
    assert not (tmp_path / "keys").exists()


def test_without_keys_a_local_key_file_is_made_and_kept(tmp_path: Path) -> None:
    settings = Settings(mail=MailSettings(key_file=tmp_path / "data" / "signing-keys"))
    token = open_keyring(settings).sign(Purpose.CONFIRM, "c1", NOW)
    assert open_keyring(settings).verify(token, Purpose.CONFIRM, NOW).subject == "c1"


def test_bad_keys_are_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="STAMPBOOK_SIGNING_KEYS"):
        open_keyring(Settings(mail=MailSettings(signing_keys="k1:short")))
