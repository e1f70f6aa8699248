"""The signing keys of a stage on AWS: one SecureString in SSM Parameter Store.

Nothing secret is in the template or a function's environment: a function
is told the parameter's name and reads it (decrypted with the account's
`aws/ssm` key) once per cold start, then again every few minutes, so a
rotation reaches every warm function soon after. A rotation puts a new key
first, to sign with, and keeps the one before it, so every link made with
it still verifies until it would have expired anyway.
"""

from __future__ import annotations

import time
from typing import Any

from ..mail.tokens import KeySettingsError, new_key_text, parse_keys, rotated_keys

# A function reads the keys again after this long: a rotation reaches it then.
FRESH_SECONDS = 300


def parameter_name(stage_name: str) -> str:
    return f"/stampbook/{stage_name}/signing-keys"


def read_keys(ssm: Any, name: str) -> str | None:
    """The keys' text (`id:secret,...`), or None if the parameter is not there."""
    try:
        answer = ssm.get_parameter(Name=name, WithDecryption=True)
    except ssm.exceptions.ParameterNotFound:
        return None
    value: str = answer["Parameter"]["Value"]
    return value


def write_keys(ssm: Any, name: str, text: str) -> None:
    parse_keys(text)  # never store what cannot be read back
    ssm.put_parameter(
        Name=name,
        Value=text,
        Type="SecureString",
        Overwrite=True,
        Description="Stampbook: the keys that sign links in emails, newest first",
    )


def first_keys(ssm: Any, name: str, given: str | None) -> bool:
    """Store `given` keys, or a new one, if the stage has none yet; True if stored."""
    if given is None and read_keys(ssm, name) is not None:
        return False
    write_keys(ssm, name, given or new_key_text("k1"))
    return True


def rotate(ssm: Any, name: str) -> str:
    """Put a new key first in the parameter; the new keys' text."""
    text = rotated_keys(read_keys(ssm, name))
    write_keys(ssm, name, text)
    return text


class ParameterKeys:
    """The keys' text from SSM, read again once it is `FRESH_SECONDS` old."""

    def __init__(self, ssm: Any, name: str) -> None:
        self.ssm, self.name = ssm, name
        self._text: str | None = None
        self._read_at = 0.0

    def text(self) -> str:
        if self._text is None or time.monotonic() - self._read_at > FRESH_SECONDS:
            found = read_keys(self.ssm, self.name)
            if found is None:
                raise KeySettingsError(
                    f"no signing keys in {self.name}: `stampbook deploy` makes them"
                )
            self._text, self._read_at = found, time.monotonic()
        return self._text
