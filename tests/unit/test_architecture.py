"""The package's imports point inward and never form a cycle, read from the source itself.

An import inside a function counts (it runs, later); an import under
`if TYPE_CHECKING:` does not (it never runs). The layers, inner first:

- the domain, pure: `programme`, `loyalty`, `audience`, `records` — they
  import only each other — and `tables`, the owner's terminal's tables,
  which imports nothing of the package;
- what serves it: `config`, `store`, `mail`, `sender`, `sitegen`, `report`,
  `deploy`, `files`, `shops`, `webhooks`, `metrics`;
- the use cases: `services`;
- the composition root: `bootstrap`;
- the entry points: `api`, `cli`, `server` (and `functions/app.py`, tests).

A package may import its own layer or any inner one, never an outer one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.support.paths import PACKAGE

LAYERS: dict[str, int] = {
    **dict.fromkeys(("programme", "loyalty", "audience", "records", "tables"), 0),
    **dict.fromkeys(
        (
            "config",
            "store",
            "mail",
            "sender",
            "sitegen",
            "report",
            "deploy",
            "files",
            "shops",
            "webhooks",
            "metrics",
        ),
        1,
    ),
    "services": 2,
    "bootstrap": 3,
    **dict.fromkeys(("api", "cli", "server", "__main__"), 4),
}

Graph = dict[str, set[str]]


def module_names(root: Path) -> dict[str, Path]:
    """`stampbook.store.sqlite.store` -> its file, for every module under `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking(child):
            for other in child.orelse:
                yield from _import_nodes_of(other)
        else:
            yield from _import_nodes_of(child)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    else:
        yield from _import_nodes(node)


def _known(name: str, modules: Mapping[str, Path]) -> str | None:
    """The module `name` names, or the package holding it (`pkg.mod.Class` -> `pkg.mod`)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path) -> Graph:
    """Each module of the package under `root`, and the package's modules it imports."""
    modules = module_names(root)
    top = root.name
    graph: Graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in _import_nodes(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                # `from pkg import module` imports the module; `from mod import name`, mod.
                targets = [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target == top or target.startswith(f"{top}."):
                    found = _known(target, modules)
                    if found is not None and found != name:
                        edges.add(found)
        graph[name] = edges
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def layer_of(module: str, layers: Mapping[str, int]) -> tuple[str, int | None]:
    parts = module.split(".")
    part = parts[1] if len(parts) > 1 else ""
    return part, layers.get(part)


def layer_breaks(graph: Graph, layers: Mapping[str, int]) -> list[str]:
    """Every import from a module to one in an outer layer, or to a package no layer names."""
    broken = []
    for module, targets in sorted(graph.items()):
        part, layer = layer_of(module, layers)
        for target in sorted(targets):
            other, other_layer = layer_of(target, layers)
            if other == part or other == "":
                continue
            if layer is None or other_layer is None:
                broken.append(f"{module} -> {target}: put the package in a layer")
            elif other_layer > layer:
                broken.append(f"{module} (layer {layer}) -> {target} (layer {other_layer})")
    return broken


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE)
    assert len(graph) > 150  # the whole package was read
    assert cycles(graph) == []


def test_imports_point_inward_only() -> None:
    assert layer_breaks(import_graph(PACKAGE), LAYERS) == []


def test_every_package_is_in_a_layer() -> None:
    packages = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()}
    # Data, not code: the example `init` copies, the templates and words.
    data = {"scaffold", "templates"}
    modules = {name for name in packages if not name.startswith("_") and name not in data}
    modules -= {"py", "__pycache__"}
    assert sorted(modules - set(LAYERS)) == []


def test_only_the_entry_points_import_the_composition_root() -> None:
    importers = {
        module.split(".")[1]
        for module, targets in import_graph(PACKAGE).items()
        if "stampbook.bootstrap" in targets
    }
    assert importers <= {"api", "cli", "server"}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "stampbook" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "stampbook"


def test_the_checks_see_a_cycle_made_by_an_import_inside_a_function(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "store/__init__.py": "",
            "store/a.py": "from .b import thing\n",
            "store/b.py": "def thing():\n    from . import a\n",
            "store/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from .a import thing\n",
        },
    )
    graph = import_graph(package)
    assert graph["stampbook.store.c"] == set()  # for the type checker only: never runs
    assert cycles(graph) == [["stampbook.store.a", "stampbook.store.b"]]


def test_the_checks_see_an_inner_layer_reaching_out(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "loyalty/__init__.py": "",
            "loyalty/rules.py": "import stampbook.services.x\n",
            "services/__init__.py": "",
            "services/x.py": "from ..loyalty import rules\n",
            "extra.py": "from .loyalty.rules import Rules\n",
        },
    )
    assert layer_breaks(import_graph(package), LAYERS) == [
        "stampbook.extra -> stampbook.loyalty.rules: put the package in a layer",
        "stampbook.loyalty.rules (layer 0) -> stampbook.services.x (layer 2)",
    ]
