"""A year of the example café's customers, as the CSV files the owner imports.

The demo's five customers show how the programme works but give the owner's
report nothing to count. This writes a few hundred more, with the habits a
café really sees: regulars who come every week, occasional visitors, people
who came once, and regulars who drift away part-way through the year. The
files are the ones `stampbook customers import` and `stampbook purchases
import` read, so every purchase goes through the loyalty engine like a real
one. The same seed always writes the same files, so the demo's report is the
same on every machine.

    python -m stampbook.files.cafe_year FOLDER [--seed N] [--customers N]

writes FOLDER/customers.csv, FOLDER/purchases.csv, FOLDER/refunds.txt
(one `email order_id` a line, for `stampbook refund`) and FOLDER/answers.csv
(questionnaire answers about some of the orders: refunded ones, and a few
complaints). Once the purchases are in the customer file,

    python -m stampbook.files.cafe_year FOLDER --answers-into DATABASE

keeps those answers, each on the day it was given, as the questionnaire does.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..records.feedback import Feedback, FeedbackReason
from ..store.sqlite import SqliteStore

# The demo's "now" is 2026-11-23: the year runs up to the day before.
YEAR_START = datetime(2025, 11, 24, 8, 0)
YEAR_DAYS = 364

FIRST_NAMES_RU = (
    "Алексей",
    "Дарья",
    "Екатерина",
    "Михаил",
    "Наталья",
    "Павел",
    "Светлана",
    "Сергей",
    "Татьяна",
    "Юлия",
    "Андрей",
    "Ирина",
    "Дмитрий",
    "Елена",
    "Олег",
)
LAST_NAMES_RU = (
    "Волков",
    "Зайцев",
    "Козлов",
    "Лебедев",
    "Морозов",
    "Новиков",
    "Орлов",
    "Павлов",
    "Соколов",
    "Фёдоров",
    "Егоров",
    "Белов",
)
FIRST_NAMES_EN = ("Emily", "Oliver", "Sophie", "Harry", "Grace", "Jack", "Lucy", "Thomas")
LAST_NAMES_EN = ("Clarke", "Hughes", "Turner", "Walker", "Wright", "Hall", "Green")
INTERESTS = ("espresso", "filter", "tea", "events", "espresso;events", "filter;tea", "")

# Why people answer the questionnaire, about as often as a café hears each.
REASONS = (
    (FeedbackReason.DID_NOT_FIT, 0.45, ("Слишком горький", "Остыл, пока несли", "")),
    (FeedbackReason.STAFF, 0.2, ("Бариста был груб", "Долго ждали у кассы")),
    (FeedbackReason.PUSHY_SALE, 0.1, ("Навязывали десерт", "")),
    (FeedbackReason.OTHER, 0.25, ("Шумно, не поработать", "Нет безлактозного молока", "")),
)
ANSWERS_HEADER = ("order_id", "answered_at", "reason", "text")

# What a visit buys: a drink at the counter most often, beans or gear now and then.
DRINKS = (180, 220, 260, 290, 320, 380, 450, 520)
BEANS = (900, 1200, 1450, 1800, 2400)
GEAR = (2900, 4500, 6900)


@dataclass(frozen=True, slots=True)
class Habit:
    """How often a kind of customer comes, and for how much of the year."""

    name: str
    share: float  # of the customers
    visits_per_week: tuple[float, float]  # low, high
    stays: bool  # False: stops coming somewhere in the year


HABITS = (
    Habit("regular", 0.15, (1.0, 3.0), stays=True),
    Habit("occasional", 0.35, (0.15, 0.5), stays=True),
    Habit("once", 0.35, (0.0, 0.0), stays=True),
    Habit("drifting", 0.15, (0.8, 2.0), stays=False),
)


def _person(rng: random.Random, number: int) -> tuple[str, str, str]:
    """Name, address and language of the café's `number`-th new customer."""
    if rng.random() < 0.85:
        first, last, locale = rng.choice(FIRST_NAMES_RU), rng.choice(LAST_NAMES_RU), "ru"
        if first.endswith("а") or first.endswith("я"):
            last += "а"  # a Russian surname agrees with a woman's name
    else:
        first, last, locale = rng.choice(FIRST_NAMES_EN), rng.choice(LAST_NAMES_EN), "en"
    return f"{first} {last}", f"guest{number:04}@example.com", locale


def _basket(rng: random.Random) -> list[tuple[str, int]]:
    lines = [("drinks", rng.choice(DRINKS))]
    if rng.random() < 0.3:
        lines.append(("drinks", rng.choice(DRINKS)))
    if rng.random() < 0.12:
        lines.append(("beans", rng.choice(BEANS)))
    if rng.random() < 0.02:
        lines.append(("equipment", rng.choice(GEAR)))
    return lines


def _visits(rng: random.Random, habit: Habit) -> list[datetime]:
    joined = rng.randrange(YEAR_DAYS - 7)
    if habit.name == "once":
        days = [joined]
    else:
        last = YEAR_DAYS - 1 if habit.stays else rng.randrange(joined + 30, YEAR_DAYS + 30)
        last = min(last, YEAR_DAYS - 1)
        per_day = rng.uniform(*habit.visits_per_week) / 7
        days = [joined] + [d for d in range(joined + 1, last + 1) if rng.random() < per_day]
    return [YEAR_START + timedelta(days=d, minutes=rng.randrange(12 * 60)) for d in days]


def _answer(rng: random.Random, order_id: str, at: datetime) -> tuple[str, str, str, str]:
    reason, _, texts = rng.choices(REASONS, weights=[share for _, share, _ in REASONS])[0]
    answered = at + timedelta(hours=rng.randrange(1, 72))
    return order_id, answered.strftime("%Y-%m-%d %H:%M"), reason.value, rng.choice(texts)


def keep_answers(folder: Path, database: Path) -> int:
    """Keep FOLDER/answers.csv's answers in the customer file; how many were new."""
    store = SqliteStore(database)
    kept = 0
    try:
        with (folder / "answers.csv").open(newline="", encoding="utf-8") as answers_file:
            for row in csv.DictReader(answers_file):
                owner = store.order_owner(row["order_id"])
                if owner is None:
                    continue  # the purchases were not imported: nothing to answer about
                at = datetime.strptime(row["answered_at"], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
                answer = Feedback(
                    f"order:{row['order_id']}",
                    owner,
                    FeedbackReason(row["reason"]),
                    at,
                    row["text"],
                    row["order_id"],
                )
                kept += store.record_feedback(answer)
    finally:
        store.close()
    return kept


def write_year(folder: Path, seed: int = 2026, customers: int = 300) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    refunds: list[tuple[str, str]] = []
    answers: list[tuple[str, str, str, str]] = []
    with (
        (folder / "customers.csv").open("w", newline="", encoding="utf-8") as people_file,
        (folder / "purchases.csv").open("w", newline="", encoding="utf-8") as orders_file,
    ):
        people, orders = csv.writer(people_file), csv.writer(orders_file)
        people.writerow(("email", "name", "locale", "birthday", "interests", "source"))
        orders.writerow(
            ("order_id", "email", "placed_at", "line_id", "category", "amount", "shipping", "tax")
        )
        habits = rng.choices(HABITS, weights=[h.share for h in HABITS], k=customers)
        for number, habit in enumerate(habits, start=1):
            name, email, locale = _person(rng, number)
            birthday = (
                f"{rng.randrange(1960, 2005)}-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}"
                if rng.random() < 0.6
                else ""
            )
            source = "cafe" if rng.random() < 0.8 else "web-shop"
            people.writerow((email, name, locale, birthday, rng.choice(INTERESTS), source))
            for visit, at in enumerate(_visits(rng, habit), start=1):
                order_id = f"Y-{number:04}-{visit:03}"
                for line, (category, amount) in enumerate(_basket(rng), start=1):
                    orders.writerow(
                        (
                            order_id,
                            email,
                            at.strftime("%Y-%m-%d %H:%M"),
                            line,
                            category,
                            amount,
                            "",
                            "",
                        )
                    )
                # About one visit in four hundred ends in a refund, and its reason
                # is given; one in two hundred more is a complaint without one.
                refunded = rng.random() < 1 / 400
                if refunded:
                    refunds.append((email, order_id))
                if refunded or rng.random() < 1 / 200:
                    answers.append(_answer(rng, order_id, at))
    with (folder / "answers.csv").open("w", newline="", encoding="utf-8") as answers_file:
        writer = csv.writer(answers_file)
        writer.writerow(ANSWERS_HEADER)
        writer.writerows(answers)
    (folder / "refunds.txt").write_text(
        "".join(f"{email} {order_id}\n" for email, order_id in refunds), encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="A year of the example café's customers.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--answers-into", type=Path, metavar="DATABASE")
    arguments = parser.parse_args()
    if arguments.answers_into is not None:
        kept = keep_answers(arguments.folder, arguments.answers_into)
        print(f"{kept} questionnaire answer(s) kept")
    else:
        write_year(arguments.folder, arguments.seed, arguments.customers)


if __name__ == "__main__":
    main()
