"""Benchmark: how long the owner waits for `stampbook --help`, and a Lambda for `import app`.

Each is run in a fresh interpreter several times; the wall time of a bare
interpreter start is subtracted. Prints median and best, and how many of
the package's modules the import loads. Nothing asserted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from tests.support.paths import FUNCTIONS

RUNS = 15
HELP = "from stampbook.cli import main; main(['--help'])"
APP = "import app"
COUNT = "import sys, {module}; print(sum(m.startswith('stampbook') for m in sys.modules))"


def _seconds(script: str) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS)}
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=FUNCTIONS,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - start)
    return times


def _modules(module: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS)}
    script = COUNT.format(module=module)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=FUNCTIONS, capture_output=True, text=True
    )
    return done.stdout.strip()


def main() -> None:
    bare = min(_seconds("pass"))
    print(f"bare interpreter start: {bare * 1000:.0f} ms (subtracted below)")
    for label, script, module in (
        ("stampbook --help", HELP, "stampbook.cli"),
        ("import app", APP, "app"),
    ):
        times = [t - bare for t in _seconds(script)]
        print(
            f"{label:<18} median {statistics.median(times) * 1000:5.0f} ms, "
            f"best {min(times) * 1000:5.0f} ms ({RUNS} runs); "
            f"{_modules(module)} stampbook modules loaded"
        )


if __name__ == "__main__":
    main()
