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


def test_a_counter_is_read_while_it_is_kept_and_not_after(store: Store) -> None:
    for _ in range(3):
        store.count_hit("ip:x:100", T + 120)
    assert store.hits("ip:x:100", T) == 3
    assert store.hits("ip:x:100", T + 119) == 3
    assert store.hits("ip:x:100", T + 120) == 0  # its time is over
    assert store.hits("ip:x:never", T) == 0


def test_forgetting_spent_limits_keeps_what_is_still_kept(store: Store) -> None:
    store.count_hit("ip:x:100", T + 60)
    store.count_hit("ip:x:101", T + 120)
    store.hold("confirm:abc", T, T + 3600)
    store.forget_limits(T + 60)
    assert store.hits("ip:x:101", T + 60) == 1
    assert not store.hold("confirm:abc", T + 61, T + 3661)
