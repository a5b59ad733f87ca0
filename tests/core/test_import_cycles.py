"""No import cycles between neosense_desktop's modules, not even type-level ones.

Every import counts: at the top, inside `if TYPE_CHECKING:`, and inside functions (a lazy
import hides a cycle from the interpreter, not from the design). Two modules that import
each other, directly or around a loop, are one responsibility split badly or one missing
module (issue 23). The graph is read from the source with `ast`; nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import neosense_desktop

PACKAGE_DIR = Path(neosense_desktop.__file__).parent

# Cycles known and being removed elsewhere. Each entry is one strongly connected component,
# exactly as found; the last test fails once an entry is gone, so the list only shrinks.
KNOWN_CYCLES_BEING_SPLIT: frozenset[frozenset[str]] = frozenset()


def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package at `root`."""
    modules: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, wherever in the module the import is."""
    modules = module_files(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                graph[name].update(alias.name for alias in node.names if alias.name in modules)
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(package, node)
                for alias in node.names:
                    # `from pkg import mod` imports the module; `from mod import name` the
                    # module that holds the name.
                    target = f"{source}.{alias.name}"
                    if target in modules:
                        graph[name].add(target)
                    elif source in modules and source != name:
                        graph[name].add(source)
    return graph


def _absolute(package: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _listed(components: list[frozenset[str]]) -> str:
    return "\n".join(" <-> ".join(sorted(c)) for c in components)


def test_no_module_imports_itself_around_a_loop() -> None:
    new = [c for c in cycles(import_graph(PACKAGE_DIR)) if c not in KNOWN_CYCLES_BEING_SPLIT]
    assert not new, f"import cycles (TYPE_CHECKING and function imports count):\n{_listed(new)}"


def test_the_known_cycles_are_still_there() -> None:
    """An entry of KNOWN_CYCLES_BEING_SPLIT that is gone (or changed shape) is removed from
    the list, so that no new cycle among those modules can hide behind it."""
    gone = KNOWN_CYCLES_BEING_SPLIT - set(cycles(import_graph(PACKAGE_DIR)))
    assert not gone, f"no longer cycles, take them off the list:\n{_listed(sorted(gone))}"


def test_every_kind_of_import_is_followed(tmp_path: Path) -> None:
    """A relative import under TYPE_CHECKING, a function-level `from . import` and an
    absolute `import` each close a loop the graph must see."""
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("")
    (root / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub.b import B\n"
    )
    (root / "sub" / "b.py").write_text("def f():\n    from .. import c\n")
    (root / "c.py").write_text("import pkg.a\n")
    (root / "d.py").write_text("from .a import x\nfrom .sub import b\n")  # on no loop

    graph = import_graph(root)

    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.a"}
    assert graph["pkg.d"] == {"pkg.a", "pkg.sub.b"}
    assert cycles(graph) == [frozenset({"pkg.a", "pkg.sub.b", "pkg.c"})]
