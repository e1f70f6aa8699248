"""`stampbook package`: the Lambda bundle and the stage's template.

Chalice drops a local path in requirements.txt without a word, so nothing
goes through it: a staging project gets `app.py`, a `.chalice/config.json`
for the stage and a `vendor/` folder, which Chalice copies into the bundle
as it is. `vendor/` holds the runtime dependencies as Linux x86_64 CPython
3.12 wheels (Lambda's python3.12 runtime, on Amazon Linux 2023, whatever
Python packages), the `stampbook` package (its built-in email templates and
words inside it) and the owner's programme, compiled to 3.12 bytecode that Lambda's read-only
disk can use without checking, when a Python 3.12 is on this machine to
compile it (without one, Lambda compiles each module as it imports it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .stage import Stage
from .template import finish

FUNCTIONS = Path(__file__).resolve().parents[2]
PACKAGE = Path(__file__).resolve().parents[1]

# Lambda's Python runtime has boto3 and botocore; Chalice adds its own
# runtime module to every bundle. The site builder and the command line are
# the owner's tools: no function imports them.
NOT_BUNDLED = frozenset({"boto3", "botocore", "chalice", "mkdocs-material", "click", "rich"})
# What the wheelhouse also keeps: Lambda's own runtime, to try the bundle beside it.
LAMBDA_RUNTIME = ("boto3",)
WHEELS_FOR_LAMBDA = (
    "--platform",
    "manylinux2014_x86_64",
    "--implementation",
    "cp",
    "--python-version",
    "3.12",
    "--only-binary=:all:",
)
LAMBDA_PYTHON = (3, 12)
# The owner's customer files never travel with the code.
# What Chalice and Lambda import: the app is in the package (`stampbook.api.app`).
APP_PY = (
    '"""The entry point Chalice and Lambda look for."""\n\n'
    "from stampbook.api.app import *  # noqa: F403\n"
    "from stampbook.api.app import app as app\n"
)
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.csv", ".*")


class PackagingError(RuntimeError):
    """A step of packaging failed; the message says which and how to go on."""


@dataclass(frozen=True)
class Package:
    template: Path
    bundle: Path


def runtime_requirements() -> list[str]:
    """Stampbook's own dependencies that the functions need, as pip requirements."""
    wanted = []
    for requirement in metadata.requires("stampbook") or []:
        if "extra ==" in requirement:
            continue
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if name and _normal(name.group()) not in NOT_BUNDLED:
            wanted.append(requirement.split(";")[0].strip())
    return wanted


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def fetch_wheels(wheelhouse: Path, constraints: Path | None) -> None:
    """Download the Lambda wheels (and boto3's) from PyPI into the wheelhouse."""
    wheelhouse.mkdir(parents=True, exist_ok=True)
    _pip(
        "download",
        "--dest",
        str(wheelhouse),
        *WHEELS_FOR_LAMBDA,
        *_constrained(constraints, wheelhouse),
        *runtime_requirements(),
        *LAMBDA_RUNTIME,
        failure="could not download the Lambda wheels from PyPI",
    )


def package(
    stage: Stage,
    *,
    campaigns: Path,
    out: Path,
    wheelhouse: Path,
    constraints: Path | None,
    download: bool = True,
) -> Package:
    """Build `deployment.zip` and `template.json` for the stage in `out`."""
    if not (campaigns / "program.yaml").is_file():
        raise PackagingError(f"{campaigns}: no program.yaml; give --campaigns DIR")
    if download:
        fetch_wheels(wheelhouse, constraints)
    project = out / "project"
    shutil.rmtree(project, ignore_errors=True)
    vendor = project / "vendor"
    _install_wheels(vendor, wheelhouse, constraints)
    shutil.copytree(PACKAGE, vendor / "stampbook", ignore=NOT_SHIPPED)
    shutil.copytree(campaigns, vendor / "campaigns", ignore=NOT_SHIPPED)
    _compile(vendor)
    (project / "app.py").write_text(APP_PY, "utf-8")
    _write_config(project, stage)
    generated = chalice_package(project, stage, out / "chalice")
    template = out / "template.json"
    template.write_text(json.dumps(finish(generated, stage), indent=2) + "\n", encoding="utf-8")
    bundle = out / "deployment.zip"
    shutil.move(out / "chalice" / "deployment.zip", bundle)
    return Package(template, bundle)


def _install_wheels(vendor: Path, wheelhouse: Path, constraints: Path | None) -> None:
    if not wheelhouse.is_dir():
        raise PackagingError(f"no wheelhouse at {wheelhouse}; package once without --offline")
    _pip(
        "install",
        "--no-index",
        "--find-links",
        str(wheelhouse),
        "--target",
        str(vendor),
        "--no-compile",
        *WHEELS_FOR_LAMBDA,
        *_constrained(constraints, wheelhouse),
        *runtime_requirements(),
        failure=f"the wheelhouse {wheelhouse} lacks a wheel; package once without --offline",
    )
    # Console scripts of the dependencies: nothing runs them on Lambda.
    for scripts in vendor.glob("bin"):
        shutil.rmtree(scripts)


def lambda_python() -> Path | None:
    """A Python of the runtime's version on this machine (pyenv's too), if there is one."""
    name = "python{}.{}".format(*LAMBDA_PYTHON)
    candidates = [shutil.which(name)]
    candidates += [str(p / "bin" / name) for p in Path.home().glob(".pyenv/versions/3.12*")]
    for candidate in filter(None, candidates):
        done = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.stdout.strip() == "True":
            return Path(candidate)
    return None


def _compile(vendor: Path) -> None:
    """Bytecode Lambda can use as it is: zip times are not file times, so no checking.

    Bytecode is the interpreter's own: only the runtime's version can make it.
    """
    python = lambda_python()
    if python is None:
        return
    command = [str(python), "-m", "compileall", "-q", "-j", "0"]
    _run(
        [*command, "--invalidation-mode", "unchecked-hash", str(vendor)],
        dict(os.environ),
        failure=f"a module in {vendor} does not compile under {python}",
    )


def _write_config(project: Path, stage: Stage) -> None:
    """The stage's Chalice settings: the roles and environment come from `finish`."""
    # The repository's own Chalice settings (for `chalice local`), where there is one.
    repository = FUNCTIONS / ".chalice" / "config.json"
    own: dict[str, Any] = (
        json.loads(repository.read_text(encoding="utf-8"))
        if repository.is_file()
        else {"app_name": "stampbook"}
    )
    stage_config: dict[str, Any] = {
        "api_gateway_stage": "api",
        **own.get("stages", {}).get(stage.name, {}),
        "manage_iam_role": False,
        "iam_role_arn": "arn:aws:iam::000000000000:role/set-by-stampbook-package",
        "environment_variables": {},
    }
    config = {"version": "2.0", "app_name": own["app_name"], "stages": {stage.name: stage_config}}
    (project / ".chalice").mkdir(parents=True)
    (project / ".chalice" / "config.json").write_text(json.dumps(config, indent=2))


def chalice_package(project: Path, stage: Stage, out: Path) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    chalice = Path(sys.executable).parent / "chalice"
    environment = {
        **os.environ,
        # app.py names the send queue by this setting; the template declares it.
        "STAMPBOOK_SEND_QUEUE": stage.send_queue,
        # Chalice asks for a region; the template itself says ${AWS::Region}.
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
    }
    command = [str(chalice), "--project-dir", str(project), "package", "--stage", stage.name]
    _run([*command, str(out)], environment, failure="chalice package failed")
    generated: dict[str, Any] = json.loads((out / "sam.json").read_text(encoding="utf-8"))
    return generated


def _constrained(constraints: Path | None, wheelhouse: Path) -> list[str]:
    """The lock's versions as pip constraints. Its hashes stay behind: pip takes a
    hash in a constraints file as hash-checking mode for every package, and
    the Lambda's wheels (Linux, CPython 3.12) are other files than this
    machine's, with hashes of their own."""
    if not constraints or not constraints.is_file():
        return []
    pins = _PINNED.findall(constraints.read_text("utf-8"))
    # Beside the wheels they pin (pip's --find-links reads only wheels there).
    written = wheelhouse / "constraints.txt"
    written.write_text("".join(f"{pin}\n" for pin in pins), "utf-8")
    return ["--constraint", str(written)]


# `name==version` at the start of a line of a requirements file (its hashes follow).
_PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*==[^\s;\\]+)", re.MULTILINE)


def _pip(*arguments: str, failure: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _run([*command, *arguments], dict(os.environ), failure=failure)


def _run(command: Sequence[str], environment: dict[str, str], *, failure: str) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-12:]
        raise PackagingError(failure + ":\n  " + "\n  ".join(said))
