"""The whole report from the facts: every section, in the order the owner reads them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from .activity import ActivityMonth, Newsletter, activity, newsletters
from .cohorts import CohortRow, cohorts
from .cost import Cost, cost
from .customers import CustomerFigures, customer_figures
from .drift import DRIFT_FACTOR, Drifter, drifting
from .facts import Contact, Facts, Measuring, Period
from .leaving import Leaving, leaving
from .lift import Lift, LiftMonth, by_month, lifts
from .pareto import Pareto, pareto
from .timeline import MonthFigures, timeline


@dataclass(frozen=True)
class Report:
    period: Period
    currency: str
    customers: CustomerFigures
    pareto: Pareto
    drift_factor: Decimal
    drifting: tuple[Drifter, ...]
    leaving: Leaving
    cost: Cost
    activity: tuple[ActivityMonth, ...]
    newsletters: tuple[Newsletter, ...]
    months: tuple[MonthFigures, ...]  # every month of the period, none left out
    cohorts: tuple[CohortRow, ...]
    # Emails with a holdout: what they brought, measured over `holdout_days` after each.
    holdout_days: int = 14
    lift: tuple[Lift, ...] = ()
    lift_months: tuple[LiftMonth, ...] = ()
    measuring: tuple[Measuring, ...] = ()


def build_report(
    facts: Facts,
    contacts: Callable[[Iterable[str]], dict[str, Contact]],
    *,
    free_shipping_over: Decimal | None = None,
    point_value: Decimal | None = None,
    drift_factor: Decimal = DRIFT_FACTOR,
) -> Report:
    measured = lifts(facts.holdouts, point_value)
    return Report(
        period=facts.period,
        currency=facts.currency,
        customers=customer_figures(facts),
        pareto=pareto(facts.buyers),
        drift_factor=drift_factor,
        drifting=tuple(drifting(facts.buyers, facts.period.end, contacts, drift_factor)),
        leaving=leaving(facts.months, facts.answers),
        cost=cost(
            facts.points,
            facts.certificates,
            (facts.free_shipping_orders, facts.shipping_charged_over),
            free_shipping_over,
            point_value,
        ),
        activity=activity(facts.months),
        newsletters=newsletters(facts.mail),
        months=timeline(facts),
        cohorts=cohorts(facts.cohorts),
        holdout_days=facts.holdout_days,
        lift=measured,
        lift_months=by_month(measured),
        measuring=tuple(sorted(facts.measuring, key=lambda m: (m.until, m.kind, m.name))),
    )
