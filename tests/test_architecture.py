"""The house's walls: the import graph of the package has no circle, lazy imports
(inside functions) included, and the import-linter contracts of pyproject.toml hold.
``make test`` runs ``lint-imports`` too; this test names the cycle when one appears."""

from __future__ import annotations

import shutil
import subprocess
import sys

import grimp
import pytest

from tests.helpers.paths import ROOT


def _cycles(package: str = "optimizer") -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), each a circle of imports."""
    graph = grimp.build_graph(package, cache_dir=None)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in edges.get(v, ()):
                out.append(sorted(group))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for m in sorted(edges):
        if m not in index:
            visit(m)
    return out


def test_the_package_has_no_import_cycle() -> None:
    assert _cycles() == []


def test_a_planted_cycle_is_found(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The cycle finder is not vacuous: two modules importing each other are listed."""
    pkg = tmp_path / "circ"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from circ import b\n")
    (pkg / "b.py").write_text("from circ import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles("circ") == [["circ.a", "circ.b"]]     # the lazy import counts


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(ROOT / ".venv" / "bin")) or \
        shutil.which("lint-imports")
    if exe is None:
        pytest.skip("lint-imports (import-linter) is not installed")
    done = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
