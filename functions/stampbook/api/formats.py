"""How a value the server checks by hand looks, as the OpenAPI document describes it.

The server keeps its own checks (an address through `normalise_email`, a
link's token through the keyring); these patterns say the same to a client,
and a value matching them is one the server takes. Where the rule cannot be
said exactly in a pattern, the pattern is the safe part of it: narrower, never
wider. Patterns are described only (`json_schema_extra`), not enforced by
pydantic, whose regex engine lacks the lookahead some of them need.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# An ASCII dot-atom, then plain ASCII labels: what `normalise_email` accepts
# without IDNA (labels without `--`, each under 63 characters; the whole well
# under 254). Addresses in other scripts are taken too, but not promised here.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,16}"
_LABEL = r"[A-Za-z0-9]{1,16}(-[A-Za-z0-9]{1,16}){0,2}"
_ADDRESS = rf"{_ATOM}(\.{_ATOM}){{0,2}}@({_LABEL}\.){{1,3}}[A-Za-z]{{2,24}}"
EMAIL = f"^{_ADDRESS}$"
EMAIL_OR_NOTHING = f"^({_ADDRESS})?$"

# `<key id>.<purpose letter>.<expiry>.<subject>.<MAC>` (`mail/tokens.py`): a
# token of this shape that we did not sign, or signed for another purpose, is
# refused with 403 `invalid_token`; an expired one with 410.
TOKEN = r"^[A-Za-z0-9_-]+\.[cfmpu]\.[0-9a-z]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"

# The code on a customer's card (`random_code`), typed at the counter.
CARD_CODE = r"^[A-Za-z0-9]{4,16}$"

# Something other than spaces: the server trims text before it counts it.
NOT_BLANK = r"^\S(.*\S)?$"

# A name an email may repeat: letters, digits and the marks names use; no
# link (`://` or `www.`) and no markup.
NAME = r"^(?!.*[Ww][Ww][Ww]\.)[\w .,'’-]*$"

# Printable ASCII without spaces at either end: what survives trimming whole.
IDEMPOTENCY_KEY = r"^[!-~][ -~]{6,126}[!-~]$"

# Money as the server reads it (`Decimal`, at most 10 digits before the point
# and 4 after), said so that a client never rounds: a whole number, or a
# decimal string. JSON fractions are read too, but a float is never promised.
WHOLE_DIGITS = 10
DECIMALS = 4


def money(decimals: int = DECIMALS, largest: Decimal | None = None) -> dict[str, Any]:
    """An amount of money: `decimals` after the point at most, and at most `largest`."""
    highest = Decimal(10**WHOLE_DIGITS) - 1
    if largest is not None and largest < highest:
        highest = largest
    # A string of n whole digits stays below 10**n: n such that 10**n <= highest + 1.
    digits = len(str(int(highest) + 1)) - 1
    whole = rf"[0-9]{{1,{digits}}}" if digits else "0"
    fraction = rf"(\.[0-9]{{1,{decimals}}})?" if decimals and digits else ""
    return {
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": int(highest)},
            {"type": "string", "pattern": f"^{whole}{fraction}$"},
        ],
        "description": f"An amount, as a whole number or a decimal string (at most {highest})",
    }
