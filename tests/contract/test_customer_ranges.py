"""The customer file read in runs of ids, as the nightly run's shards read it, on every
store: each customer in exactly one run, whoever joined after the runs were cut."""

from __future__ import annotations

from stampbook.records.customers import CustomerRange
from stampbook.services.nightly import plan_shards
from stampbook.store.base import Store

from .conftest import customer


def _join(store: Store, *ids: str) -> None:
    store.add_customers([customer(i, f"{i}@example.com") for i in ids])


def test_a_run_of_ids_starts_at_its_first_and_stops_before_its_stop(store: Store) -> None:
    _join(store, "a1", "a2", "b1", "b2", "c1")
    assert list(store.customer_ids(CustomerRange("a2", "b2"))) == ["a2", "b1"]
    assert list(store.customer_ids(CustomerRange("a15", "b15"))) == ["a2", "b1"]
    assert list(store.customer_ids(CustomerRange(None, "b1"))) == ["a1", "a2"]
    assert list(store.customer_ids(CustomerRange("b1", None))) == ["b1", "b2", "c1"]
    assert list(store.customer_ids(CustomerRange("z", None))) == []
    assert list(store.customer_ids()) == ["a1", "a2", "b1", "b2", "c1"]


def test_the_shards_cover_the_file_once_and_whoever_joins_after_the_cut(store: Store) -> None:
    ids = [f"c{n:03}" for n in range(1, 100, 2)]  # c001, c003, ... c099: 50
    _join(store, *ids)
    shards = plan_shards(store, per_shard=7)
    assert [len(list(store.customer_ids(shard))) for shard in shards] == [7] * 7 + [1]
    assert shards[0].first is None
    assert shards[-1].stop is None
    # Joined after the schedule cut the file: before the first, between two, after the last.
    _join(store, "c000", "c014", "c100", "a", "zz")
    seen = [i for shard in shards for i in store.customer_ids(shard)]
    assert sorted(seen) == sorted([*ids, "c000", "c014", "c100", "a", "zz"])
    assert len(seen) == len(set(seen))
    assert "c014" in shards[0]  # the first runs up to c015, where the second starts


def test_an_empty_file_is_one_shard(store: Store) -> None:
    assert plan_shards(store) == [CustomerRange()]
