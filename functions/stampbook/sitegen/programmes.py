"""The programme a site build reads, loaded once while its files stay the same.

`stampbook site build` runs one MkDocs build per locale in one process, and
each build's hooks need the programme; with a thousand newsletters, loading
it is a good part of a locale's build. So it is remembered, together with a
fingerprint of every file under the campaigns folder (name, size, modification
time): `mkdocs serve` rebuilds after an edit, the fingerprint then differs and
the programme is read again.
"""

from __future__ import annotations

from pathlib import Path

from ..programme import Programme, load_programme

Fingerprint = tuple[tuple[str, int, int], ...]

_loaded: dict[Path, tuple[Fingerprint, Programme]] = {}


def fingerprint(root: Path) -> Fingerprint:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            status = path.stat()
            found.append((path.relative_to(root).as_posix(), status.st_size, status.st_mtime_ns))
    return tuple(sorted(found))


def site_programme(root: Path) -> Programme:
    root = root.resolve()
    now = fingerprint(root)
    remembered = _loaded.get(root)
    if remembered is not None and remembered[0] == now:
        return remembered[1]
    programme = load_programme(root)
    _loaded[root] = (now, programme)
    return programme
