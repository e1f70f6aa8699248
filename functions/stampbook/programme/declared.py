"""The ids and languages `program.yaml` declares, read leniently from its raw data.

Newsletters and automations refer to them. Reading them from the raw YAML
(rather than the validated model) means a mistake elsewhere in
`program.yaml` does not hide dangling references in the other files: the
owner still gets every problem in one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .languages import has_words, meant_language


def _ids(items: Any) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(str(item["id"]) for item in items if isinstance(item, dict) and "id" in item)


def _section(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


@dataclass(frozen=True)
class Declared:
    locales: tuple[str, ...]
    tiers: tuple[str, ...]
    rewards: tuple[str, ...]
    interests: tuple[str, ...]
    categories: tuple[str, ...]
    has_expiry: bool
    has_certificates: bool
    # Declared languages Stampbook has no words in, and those the owner probably
    # meant by them: program.yaml reports them once; texts in them elsewhere are
    # not reported again, line by line.
    unspoken: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: Any) -> Declared:
        available = _section(data, "locales", "available")
        codes = [str(code) for code in available] if isinstance(available, list) else []
        unspoken = [code for code in codes if not has_words(code)]
        meant = [meant_language(code) for code in unspoken]
        return cls(
            locales=tuple(code for code in codes if has_words(code)),
            tiers=_ids(_section(data, "loyalty", "tiers", "levels")),
            rewards=_ids(_section(data, "rewards")),
            interests=_ids(_section(data, "interests")),
            categories=_ids(_section(data, "categories")),
            has_expiry=bool(_section(data, "loyalty", "expiry")),
            has_certificates=bool(_section(data, "loyalty", "certificates")),
            unspoken=tuple(dict.fromkeys([*unspoken, *(code for code in meant if code)])),
        )

    @classmethod
    def from_programme_file(cls, programme_file: BaseModel) -> Declared:
        return cls.from_data(programme_file.model_dump(mode="json"))

    def of_kind(self, kind: str) -> tuple[str, ...]:
        """Ids of a kind named by the `x-stampbook-ref` marks in the models."""
        kinds = {
            "locale": self.locales,
            "tier": self.tiers,
            "reward": self.rewards,
            "interest": self.interests,
            "category": self.categories,
        }
        return kinds[kind]
