"""Benchmark: loading the owner's programme.

Prints wall time (best and median of several runs) and peak Python memory
for the example programme and for a large generated one, valid and broken.
Numbers are measured, never asserted: compare them between changes.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from stampbook.programme import ProgrammeInvalid, load_programme
from tests.support.paths import EXAMPLE


def large_programme(folder: Path, rewards: int, newsletters: int) -> Path:
    """The example with `rewards` extra rewards and `newsletters` extra issues."""
    root = folder / "campaigns"
    shutil.copytree(EXAMPLE, root)
    extra = "".join(
        f"  - id: reward-{n}\n"
        f"    title: {{ ru: Награда {n}, en: Reward {n} }}\n"
        f"    points: {100 + n}\n"
        f"    description: {{ ru: Описание {n}, en: Description {n} }}\n"
        for n in range(rewards)
    )
    with (root / "program.yaml").open("a", encoding="utf-8") as programme_file:
        programme_file.write(extra)
    letter = (root / "newsletters" / "2026-12-winter-lots.yaml").read_text("utf-8")
    for n in range(newsletters):
        text = letter.replace("slug: 2026-12-winter-lots", f"slug: issue-{n}")
        (root / "newsletters" / f"issue-{n}.yaml").write_text(text, "utf-8")
    return root


def measure(name: str, action: Callable[[], object], runs: int) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name:<48} best {min(times) * 1000:8.1f} ms   median "
        f"{statistics.median(times) * 1000:8.1f} ms   peak {peak / 2**20:6.1f} MiB"
    )


def load_broken(root: Path) -> None:
    try:
        load_programme(root)
    except ProgrammeInvalid:
        return
    raise AssertionError("the broken programme loaded")


def main() -> None:
    load_programme(EXAMPLE)  # warm imports and pydantic's validators
    measure("example (4 rewards, 2 newsletters)", lambda: load_programme(EXAMPLE), 30)
    with tempfile.TemporaryDirectory() as folder:
        big = large_programme(Path(folder), rewards=2000, newsletters=300)
        measure("large (2 004 rewards, 302 newsletters)", lambda: load_programme(big), 5)
        programme_file = big / "program.yaml"
        programme_file.write_text(
            programme_file.read_text("utf-8").replace("points: 150", "points: -1"), "utf-8"
        )
        measure("large, with errors to locate", lambda: load_broken(big), 5)


if __name__ == "__main__":
    main()
