"""The layout's rules, checked on the source: dependencies point one way and domain modules
import each other without cycles (ARCHITECTURE.md, STYLE.md 2)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lower layers first: a package may import only itself and the packages after it.
LAYERS = ["frontend", "telephony", "tickets", "knowledge", "callcenter"]
# The wiring on top of everything (URL, ASGI and process wiring, demo loading).
WIRING = {
    "callcenter.urls",
    "callcenter.api.urls",
    "callcenter.asgi",
    "callcenter.routing",
    "callcenter.run",
    "callcenter.demo",
    "callcenter.accounts.management.commands.load_demo",
}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def _import_nodes(body: list[ast.stmt], *, top_level_only: bool) -> Iterator[ast.stmt]:
    """Import statements in ``body``, leaving out ``if TYPE_CHECKING:`` blocks (never run)."""
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not top_level_only:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    yield from _import_nodes(inner, top_level_only=False)


def _imports(path: Path, *, top_level_only: bool) -> Iterator[tuple[str, int]]:
    """Imported module names; with top_level_only, those executed at import time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _import_nodes(tree.body, top_level_only=top_level_only):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
            for alias in node.names:
                yield f"{node.module}.{alias.name}", node.lineno


def test_dependencies_point_down_the_layers() -> None:
    wrong = []
    for module, path in _modules():
        if module in WIRING:
            continue
        own = LAYERS.index(module.split(".")[0])
        for imported, line in _imports(path, top_level_only=False):
            top = imported.split(".")[0]
            if top in LAYERS and LAYERS.index(top) < own:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(set(wrong)))


def test_domain_modules_import_each_other_without_cycles() -> None:
    modules = dict(_modules())
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imported, _line in _imports(path, top_level_only=True):
            if imported in modules and imported != name:
                graph[name].add(imported)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            # A package importing its own submodules (re-exports) is no cycle of meaning.
            if node.startswith(nxt + ".") or nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", LAYERS)
def test_no_module_is_over_600_lines(package: str) -> None:
    data_modules = {"knowledge/demo/articles.py"}  # hand-written demo content, not code
    long = [
        f"{path.relative_to(ROOT)}: {lines}"
        for _name, path in _modules()
        if path.relative_to(ROOT).parts[0] == package
        and str(path.relative_to(ROOT)) not in data_modules
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert not long, long


def test_no_function_local_import_dodges_a_cycle() -> None:
    """Project modules are imported at the top; only wiring and ``AppConfig.ready`` wait."""
    local = []
    for module, path in _modules():
        if module in WIRING or module.endswith(".apps"):
            continue
        top_level = set(_imports(path, top_level_only=True))
        for imported, line in _imports(path, top_level_only=False):
            if imported.split(".")[0] in LAYERS and (imported, line) not in top_level:
                local.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not local, "function-local imports:\n" + "\n".join(sorted(set(local)))
