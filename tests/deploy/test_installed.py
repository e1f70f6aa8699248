"""Stampbook installed from its wheel, as `pipx install stampbook` would, far from this repository.

The wheel is built from a copy of the source (offline, with the setuptools
of the test environment) and installed into a fresh virtualenv; the
libraries it depends on are lent from the test environment by a `.pth`
file, which does not bring this repository's source with it. Then, in an
empty folder, an owner starts a business and runs the commands of a first
day: every one exits 0, prints no traceback, and the package that answers
is the installed one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.processes import free_port, stop

SOURCE = ("pyproject.toml", "README.md", "LICENSE", "functions", "campaigns")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` folder of a virtualenv holding Stampbook's wheel and nothing of the repository."""
    folder = tmp_path_factory.mktemp("installed")
    source = folder / "source"
    source.mkdir()
    for name in SOURCE:
        path = ROOT / name
        if path.is_dir():
            # The example is a link inside the package (scaffold/campaigns): kept as a link.
            shutil.copytree(path, source / name, symlinks=True, ignore=_not_shipped)
        else:
            shutil.copy2(path, source / name)
    dist = folder / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--wheel-dir", str(dist), str(source)],
        cwd=folder,
    )  # fmt: skip
    [wheel] = dist.glob("stampbook-*.whl")
    environment = folder / "venv"
    venv.create(environment, with_pip=False)
    bin_folder = environment / "bin"
    ask = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(
        subprocess.check_output([str(bin_folder / "python"), "-c", ask], text=True).strip()
    )
    # The libraries, lent: a path in a .pth file, whose own .pth files (this
    # repository's editable install among them) are never read.
    (purelib / "lent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    _run(
        [sys.executable, "-m", "pip", "--python", str(bin_folder / "python"), "install",
         "--no-deps", "--no-index", "--quiet", str(wheel)],
        cwd=folder,
    )  # fmt: skip
    return bin_folder


def _not_shipped(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in {"__pycache__", ".chalice"} or n.endswith(".egg-info")}


def _clean_environment() -> dict[str, str]:
    """No setting of the test run, no path into the repository."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("STAMPBOOK_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    } | {"NO_MKDOCS_2_WARNING": "1"}


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    said = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command[:4])}… exited {done.returncode}:\n{said}"
    assert "Traceback" not in said, said
    return said


def test_a_first_day_with_the_installed_tool_far_from_the_repository(
    installed: Path, tmp_path: Path
) -> None:
    env = _clean_environment()
    stampbook = str(installed / "stampbook")
    where = _run(
        [str(installed / "python"), "-c", "import stampbook; print(stampbook.__file__)"],
        tmp_path,
        env,
    )
    assert where.startswith(str(installed.parent)), where  # the wheel's, not the repository's
    assert "created mybiz" in _run([stampbook, "init", "mybiz"], tmp_path, env)
    project = tmp_path / "mybiz"
    inside = project / "campaigns"  # commands find the project from any folder inside it
    assert "valid" in _run([stampbook, "check"], inside, env)
    _run([stampbook, "preview", "welcome"], project, env)
    assert list((project / "build" / "preview").glob("welcome.*.html"))
    _run(
        [stampbook, "customers", "import", "campaigns/import-examples/customers.csv",
         "--confirmed-at", "the shop's sign-up sheet"],
        project,
        env,
    )  # fmt: skip
    said = _run(
        [stampbook, "purchase", "anna.petrova@example.com", "1250", "--category", "beans"],
        project,
        env,
    )
    assert "points" in said
    _run([stampbook, "site", "build"], project, env)
    assert (project / "build" / "site" / "index.html").is_file()
    assert (project / "build" / "site" / "en" / "terms" / "index.html").is_file()
    port = free_port()
    server = subprocess.Popen(
        [stampbook, "serve", "--port", str(port)],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        health = _get(f"http://127.0.0.1:{port}/api/health", server)
        assert '"status": "ok"' in health or '"status":"ok"' in health
        assert "<html" in _get(f"http://127.0.0.1:{port}/", server)
    finally:
        stop(server)
    assert b"Traceback" not in (server.stderr.read() if server.stderr else b"")


def _get(url: str, server: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                assert answer.status == 200
                return str(answer.read().decode("utf-8"))
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"stampbook serve did not answer {url}")
            time.sleep(0.2)
