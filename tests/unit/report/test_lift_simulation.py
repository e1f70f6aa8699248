"""The holdout comparison on synthetic audiences whose truth is known.

Those who got the email buy with probability 30 %, those held out with 20 %
(and spend, when they buy, the same random amounts): over many audiences
the reported 95 % interval should hold the true 10 points about 95 times in
100, and with no true effect the report should say "no difference" about as
often. A proportion interval that is too narrow (the plain normal one on
small groups) or too wide would fail one of the two.
"""

from __future__ import annotations

import random
from decimal import Decimal

from stampbook.report.facts import SCALE, HoldoutGroup, PersonAfter
from stampbook.report.lift import Verdict, lift, newcombe, t_quantile, welch, wilson

AUDIENCES = 300
SENT, HELD_OUT = 1800, 1200
PRICE = 20 * SCALE  # a purchase's goods, in units, before the random spread


def audience(seed: int, bought_sent: float, bought_held_out: float) -> HoldoutGroup:
    chance = random.Random(seed)

    def person(p: float) -> PersonAfter:
        if chance.random() >= p:
            return PersonAfter(0, 0, 0, 0)
        orders = 1 + (chance.random() < 0.3)
        goods = sum(int(PRICE * chance.uniform(0.5, 1.5)) for _ in range(orders))
        return PersonAfter(orders, goods, chance.choice((0, 0, 50)), goods // SCALE)

    return HoldoutGroup(
        "newsletter",
        f"audience-{seed}",
        "2026-10",
        [person(bought_sent) for _ in range(SENT)],
        [person(bought_held_out) for _ in range(HELD_OUT)],
    )


def test_the_interval_holds_the_true_lift_about_95_times_in_100() -> None:
    true_share, true_goods = Decimal("0.10"), Decimal(0)
    held = goods_held = 0
    for seed in range(AUDIENCES):
        found = lift(audience(seed, 0.30, 0.20), point_value=None)
        held += found.bought.low <= true_share <= found.bought.high
        # Goods per person: 0.3 and 0.2 of the same spend (1.3 orders of 20 on average).
        true_goods = Decimal("0.10") * Decimal("1.3") * 20
        goods_held += found.revenue.low <= true_goods <= found.revenue.high
    assert 0.91 * AUDIENCES <= held <= 0.985 * AUDIENCES, held
    assert 0.91 * AUDIENCES <= goods_held <= 0.985 * AUDIENCES, goods_held


def test_with_no_true_effect_it_says_no_difference_about_95_times_in_100() -> None:
    said = [lift(audience(seed, 0.20, 0.20), point_value=None).verdict for seed in range(AUDIENCES)]
    no_difference = said.count(Verdict.NO_DIFFERENCE)
    assert 0.91 * AUDIENCES <= no_difference <= 0.985 * AUDIENCES, no_difference
    # The rest are chance on either side, never "too few" at this size.
    assert Verdict.TOO_FEW not in said


def test_a_true_lift_is_said_as_more_and_the_sentence_figures_add_up() -> None:
    found = lift(audience(7, 0.30, 0.20), point_value=Decimal("0.5"))
    assert found.verdict is Verdict.MORE
    assert (found.sent, found.held_out) == (SENT, HELD_OUT)
    assert found.bought.difference == found.bought_sent - found.bought_held_out
    # The points earned on the extra purchases, valued at half a rouble each.
    assert found.extra_points_cost == (found.extra_points * Decimal("0.5")).quantize(
        Decimal("0.01")
    )


def test_small_groups_are_too_few_to_tell() -> None:
    group = audience(3, 0.30, 0.20)
    small = HoldoutGroup(group.kind, group.name, group.month, group.sent[:200], group.held_out[:20])
    assert lift(small, None).verdict is Verdict.TOO_FEW


def test_the_intervals_agree_with_published_values() -> None:
    # Newcombe (1998), table II, example (a): 56/70 against 48/80 -> 0.2000 (0.0524, 0.3339).
    difference, low, high = newcombe(56, 70, 48, 80)
    assert (round(difference, 4), round(low, 4), round(high, 4)) == (0.2, 0.0524, 0.3339)
    # Wilson's interval for 81/263 (Newcombe 1998a, example): 0.2553 to 0.3662.
    assert tuple(round(x, 4) for x in wilson(81, 263)) == (0.2553, 0.3662)
    # Student's t, 97.5th percentile (tables): 10 -> 2.228, 30 -> 2.042, 120 -> 1.980.
    assert [round(t_quantile(v), 3) for v in (10, 30, 120)] == [2.228, 2.042, 1.980]
    # Equal groups with equal spread: Welch's interval is Student's.
    difference, low, high = welch([1, 2, 3, 4, 5] * 4, [0, 1, 2, 3, 4] * 4)
    assert difference == 1.0
    variance = 40 / 19  # each side: 4 times (4 + 1 + 0 + 1 + 4), over 20 - 1
    assert round(high - difference, 6) == round(t_quantile(38) * (2 * variance / 20) ** 0.5, 6)
