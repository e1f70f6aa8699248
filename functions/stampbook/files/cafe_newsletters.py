"""The newsletters the example café sent during its year, each kept from a random fifth.

`cafe_year` writes a year of customers and purchases; this adds the
newsletters the café sent in that year, as the sender records them: a
campaign per issue, one send record per subscriber who had visited by
then, a fifth of them held out at random. (Drawn here from the seed, by
address, rather than by the sender's hash of the customer's id, which an
import makes anew each time: the demo tells the same story on every run.)
Some issues brought people in: for those, a share of
the readers come once more in the days after, and those visits are added to
the year's purchases, so the owner's report has something to find. Others
brought nobody, and the report should say so.

Run once the customers are imported and before the purchases are:

    python -m stampbook.files.cafe_newsletters FOLDER DATABASE

(FOLDER as `cafe_year` wrote it; its purchases.csv gains the extra visits.)
The same files always give the same campaigns and visits.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..store.sends import CampaignState, SendStatus, Settled
from ..store.sqlite import SqliteStore
from .cafe_year import _basket

MOSCOW = ZoneInfo("Europe/Moscow")
HOLDOUT = 0.2
SENDER = "cafe-year"


@dataclass(frozen=True)
class PastIssue:
    slug: str
    sent_at: datetime
    came_again: float  # the share of its readers it brought in once more, in the days after


ISSUES = (
    PastIssue("2026-03-spring-menu", datetime(2026, 3, 12, 10, 0, tzinfo=MOSCOW), 0.0),
    PastIssue("2026-06-cold-brew", datetime(2026, 6, 18, 10, 0, tzinfo=MOSCOW), 0.12),
    PastIssue("2026-09-harvest-lots", datetime(2026, 9, 17, 10, 0, tzinfo=MOSCOW), 0.5),
)


def first_visits(purchases: Path) -> dict[str, datetime]:
    """Each customer's first purchase of the year, by address."""
    first: dict[str, datetime] = {}
    with purchases.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            at = datetime.strptime(row["placed_at"], "%Y-%m-%d %H:%M").replace(tzinfo=MOSCOW)
            first[row["email"]] = min(first.get(row["email"], at), at)
    return first


def keep_newsletters(folder: Path, database: Path, seed: int = 2026) -> list[tuple[str, int, int]]:
    """Record the year's issues and add the visits they brought; (slug, sent, held out)."""
    rng = random.Random(seed)
    purchases = folder / "purchases.csv"
    first = first_visits(purchases)
    store = SqliteStore(database)
    visits: list[tuple[str, ...]] = []  # purchases.csv rows, without shipping or tax
    kept = []
    try:
        ids = store.customer_ids_by_email(sorted(first))
        for issue in ISSUES:
            readers = sorted(
                (email, customer_id)
                for email, customer_id in ids.items()
                if first[email] < issue.sent_at
            )
            split = {c: rng.random() < HOLDOUT for _, c in readers}
            got = [c for c in split if not split[c]]
            _record(store, issue, got, [c for c in split if split[c]])
            kept.append((issue.slug, sum(not h for h in split.values()), sum(split.values())))
            for n, (email, customer_id) in enumerate(readers):
                if split[customer_id] or rng.random() >= issue.came_again:
                    continue
                at = issue.sent_at + timedelta(days=rng.uniform(0.5, 12))
                order_id = f"N-{issue.slug}-{n:04}"
                placed = at.strftime("%Y-%m-%d %H:%M")
                for line, (category, amount) in enumerate(_basket(rng), start=1):
                    visits.append((order_id, email, placed, str(line), category, str(amount)))
    finally:
        store.close()
    with purchases.open("a", newline="", encoding="utf-8") as rows:
        csv.writer(rows).writerows((*visit, "", "") for visit in visits)
    return kept


def _record(store: SqliteStore, issue: PastIssue, readers: list[str], kept: list[str]) -> None:
    """The issue's campaign as the sender leaves it: every reader sent to, the rest held out."""
    slug, at = issue.slug, issue.sent_at
    store.move_campaign(slug, CampaignState.DRAFT, at, only_from={CampaignState.DRAFT})
    store.add_sends(slug, [(c, "ru") for c in readers])
    store.add_sends(slug, [(c, "ru") for c in kept], held_out=True)
    store.start_sending(slug, at)
    claimed = store.claim_sends(slug, SENDER, len(readers), now=1.0, lease_until=2.0)
    store.settle_sends(
        slug,
        SENDER,
        [Settled(c.customer_id, SendStatus.SENT, at=at) for c in claimed],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="The example café's newsletters of its year.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("database", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    for slug, sent, held in keep_newsletters(arguments.folder, arguments.database, arguments.seed):
        print(f"{slug}: sent to {sent}, {held} held out")


if __name__ == "__main__":
    main()
