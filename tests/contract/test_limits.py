"""Rate-limit counters and once-per-period holds behave the same on every store."""

from __future__ import annotations

from stampbook.store.base import Store

T = 1_800_000_000  # Unix seconds


def test_a_hold_is_taken_once_until_it_lapses(store: Store) -> None:
    assert store.hold("confirm:abc", T, T + 3600)
    assert not store.hold("confirm:abc", T + 10, T + 3610)
    assert not store.hold("confirm:abc", T + 3599, T + 7199)
    assert store.hold("confirm:other", T + 10, T + 3610)  # another key is free
    assert store.hold("confirm:abc", T + 3600, T + 7200)  # lapsed: taken again
    assert not store.hold("confirm:abc", T + 3601, T + 7201)


def test_hits_are_counted_per_key(store: Store) -> None:
    assert [store.count_hit("ip:1.2.3.4:100", T + 60) for _ in range(3)] == [1, 2, 3]
    assert store.count_hit("ip:1.2.3.4:101", T + 120) == 1
    assert store.count_hit("ip:1.2.3.4:100", T + 60) == 4
