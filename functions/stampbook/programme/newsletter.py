"""`newsletters/*.yaml`: one newsletter issue per file."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .fields import Holdout, InterestRef, LocaleRef, OwnerModel, RewardRef, Slug, TierRef
from .text import LocalizedText

WebAddress = Annotated[str, Field(pattern=r"^(https?://|mailto:)\S+$")]


class Range(OwnerModel):
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("give at least one of min and max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Audience(OwnerModel):
    """Who receives the issue: confirmed subscribers matching every filter given.

    No filter (or `audience: all`) means every confirmed subscriber.
    """

    tiers: tuple[TierRef, ...] = ()
    locales: tuple[LocaleRef, ...] = ()
    interests: tuple[InterestRef, ...] = ()  # any one of them
    days_since_last_purchase: Range | None = None
    points_balance: Range | None = None

    @model_validator(mode="before")
    @classmethod
    def _all(cls, value: Any) -> Any:
        return {} if value == "all" else value

    @property
    def is_everyone(self) -> bool:
        return self == Audience()


class TextBlock(OwnerModel):
    type: Literal["text"]
    markdown: LocalizedText


class ImageBlock(OwnerModel):
    type: Literal["image"]
    src: str = Field(min_length=1)
    alt: LocalizedText  # read aloud by screen readers and shown when images are off
    link: WebAddress | None = None


class ButtonBlock(OwnerModel):
    type: Literal["button"]
    label: LocalizedText
    url: WebAddress


class RewardBlock(OwnerModel):
    type: Literal["reward"]
    reward: RewardRef
    note: LocalizedText | None = None


class PointsSummaryBlock(OwnerModel):
    """The reader's own balance, tier and expiring points."""

    type: Literal["points_summary"]
    title: LocalizedText | None = None


Block = Annotated[
    TextBlock | ImageBlock | ButtonBlock | RewardBlock | PointsSummaryBlock,
    Field(discriminator="type"),
]


class Newsletter(OwnerModel):
    slug: Slug
    subject: LocalizedText
    preheader: LocalizedText
    audience: Audience = Field(default=Audience(), json_schema_extra={"x-stampbook": "audience"})
    # Without a time zone, the programme's time zone is meant.
    send_at: datetime | None = None
    public: bool = True  # shown in the website's archive
    # Chosen at random and not sent to, so the report can say what the issue brought.
    holdout: Holdout = Decimal(0)
    blocks: tuple[Block, ...] = Field(min_length=1)
