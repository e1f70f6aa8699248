"""Points held at the end of each month: what the programme owes, over time.

The points held are every customer's balance above zero, summed. Month by
month that is the running total of every entry, except where a customer
stood below zero: only a refund after the points were spent (a clawback, a
referral bonus taken back) or an owner's correction can take a balance
there, so a reader passes the entries of the customers who had one, and
their shortfall is added back.
"""

from __future__ import annotations

from collections.abc import Mapping

BEFORE = ""  # the month key of everything before the period; sorts first


def held_at_month_ends(
    net: Mapping[str, int], below_zero: Mapping[str, Mapping[str, int]], months: list[str]
) -> dict[str, int]:
    """Points held at the end of each of `months` (ascending).

    `net` is every entry's points by month (`BEFORE` for the time before the
    period); `below_zero` the same per customer who may have stood below zero.
    """
    entered = sorted(net.items())
    customers = [sorted(entries.items()) for entries in below_zero.values()]
    running, at = 0, 0
    balances, places = [0] * len(customers), [0] * len(customers)
    held = {}
    for month in months:
        while at < len(entered) and entered[at][0] <= month:
            running += entered[at][1]
            at += 1
        shortfall = 0
        for n, entries in enumerate(customers):
            while places[n] < len(entries) and entries[places[n]][0] <= month:
                balances[n] += entries[places[n]][1]
                places[n] += 1
            shortfall += max(-balances[n], 0)
        held[month] = running + shortfall
    return held
