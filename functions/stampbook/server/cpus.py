"""Which CPUs the local server's threads run on: one, where the machine has several.

CPython runs one thread at a time, under its global lock. Threads spread
over several CPUs hand that lock to each other across CPUs, and every
hand-over wakes a sleeping thread on another CPU: on a virtual machine that
costs more than the few microseconds of work each thread then does (eight
tills: about a quarter of a purchase's CPU time went on it). On one CPU the
same threads take turns without those wake-ups; the machine's other CPUs
stay free for everything else (an import's worker processes, the owner's
commands).
"""

from __future__ import annotations

import os


def keep_to_one_cpu() -> int | None:
    """Keep this thread, and the threads it starts from now on, on one CPU: which one.

    None where there is nothing to choose (one CPU) or the system cannot say.
    """
    if not hasattr(os, "sched_setaffinity"):  # not on Linux
        return None
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2:
        return None
    # The last: the first often takes more of the machine's interrupts.
    chosen = max(allowed)
    os.sched_setaffinity(0, {chosen})
    return chosen
