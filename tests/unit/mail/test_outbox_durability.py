"""The outbox under a process killed mid-send, a folder emptied under it, and long use.

What the sender records as sent is what `send` returned for; so whatever
moment a process dies at, each message `send` returned for must be in the
index, and every index line and every `.eml` must name a whole message.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from stampbook.mail.message import Kind, Message
from stampbook.mail.transports.outbox import INDEX, Outbox
from tests.support.processes import this_package

# Large enough that a kill mostly lands inside a file's write.
BODY = b"".join(f"{n:08}\r\n".encode() for n in range(100_000))


def message(n: int) -> Message:
    """Message number `n`, a megabyte long."""
    data = f"Subject: message {n}\r\n\r\n".encode() + BODY
    return Message(
        "news@example.com", f"r{n}@example.com", f"m{n}@example.com", f"m{n}", Kind.MARKETING, data
    )


# Sends messages `first`, `first + 1`, ... and says the number of each once `send` returned.
WRITER = """
import sys
from pathlib import Path
from stampbook.mail.transports.outbox import Outbox
from tests.unit.mail.test_outbox_durability import message
outbox = Outbox(Path(sys.argv[1]))
n = int(sys.argv[2])
while True:
    outbox.send(message(n))
    print(n, flush=True)
    n += 1
"""


def test_a_writer_killed_at_any_moment_leaves_every_accepted_message_indexed_and_whole(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "outbox"
    root = Path(__file__).parents[3]
    chance = random.Random()
    accepted: set[int] = set()
    first = 0
    for _ in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(first)],
            cwd=root,
            env={**os.environ, **this_package()},
            stdout=subprocess.PIPE,
        )
        assert writer.stdout is not None
        for _ in range(chance.randint(1, 4)):
            accepted.add(int(writer.stdout.readline()))
        os.kill(writer.pid, signal.SIGKILL)  # somewhere in the next message, or between two
        writer.wait()
        accepted.update(int(line) for line in writer.stdout.read().split())
        first += 1000

    entries = [json.loads(line) for line in (folder / INDEX).read_bytes().splitlines()]
    indexed = {int(entry["message_id"][1:].partition("@")[0]) for entry in entries}
    assert accepted <= indexed
    for entry in entries:  # each line names a whole file
        n = int(entry["message_id"][1:].partition("@")[0])
        assert (folder / entry["file"]).read_bytes() == message(n).data
    for path in folder.glob("*.eml"):  # and no message file is ever a part of one
        data = path.read_bytes()
        head = data.split(b"\r\n", 1)[0]
        assert head.startswith(b"Subject: message "), f"{path.name}: {len(data)} bytes"
        n = int(head.removeprefix(b"Subject: message "))
        assert data == message(n).data, f"{path.name} is cut short"
    # Beside them only a hidden file a killed write left aside, which no reader lists.
    others = [p.name for p in folder.iterdir() if p.name != INDEX and p.suffix != ".eml"]
    assert all(name.startswith(".") and name.endswith(".part") for name in others), others


def test_an_emptied_folder_is_made_again_with_its_index(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    outbox = Outbox(folder)
    outbox.send(message(1))
    for path in folder.iterdir():  # the owner clears the outbox while it is in use
        path.unlink()
    folder.rmdir()
    outbox.send(message(2))
    (folder / INDEX).unlink()  # or only its index
    outbox.send(message(3))
    outbox.close()
    outbox.send(message(4))  # closed, it opens again

    # Message 2's line went with the index removed after it.
    assert [entry["to"] for entry in outbox.index()] == ["r3@example.com", "r4@example.com"]
    files = sorted(path.read_bytes() for path in folder.glob("*.eml"))
    assert files == sorted(message(n).data for n in (2, 3, 4))
    outbox.close()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_an_outbox_holds_one_descriptor_and_gives_it_back(tmp_path: Path) -> None:
    def open_descriptors() -> int:
        return sum(1 for _ in Path("/proc/self/fd").iterdir())

    before = open_descriptors()
    outbox = Outbox(tmp_path / "outbox")
    for n in range(50):
        outbox.send(message(n))
    assert open_descriptors() == before + 1  # the index, kept open between messages
    outbox.close()
    assert open_descriptors() == before
    dropped = Outbox(tmp_path / "outbox")
    dropped.send(message(99))
    del dropped  # never closed: its descriptor still goes with it
    assert open_descriptors() == before
