"""The structure map: the project's imports run one way, down the floors, with no circle.

Every ``import`` of every project module counts, the ones inside functions and under
``TYPE_CHECKING`` included: a type-only import is still a dependency a reader follows.
A room is a top-level package (``__main__.py`` is the program's own room); ``FLOORS``
lists the rooms from the bottom up, and a room may import only its own floor's modules
or those of floors below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS: tuple[tuple[str, ...], ...] = (
    ("aws2openstack_testenv",),
    ("datagen", "migrations"),
    ("components",),
    ("families",),
    ("__main__", "scripts", "benchmarks"),
)
"""Bottom up: the pytest plugin and scripts/accept's comparison, installed into other
projects' environments and so importing nothing of the stack; the generator and its table
kinds; the Pulumi components and the stack's configuration; the families; the program and
the tools that drive it."""
ROOMS = {room: floor for floor, rooms in enumerate(FLOORS) for room in rooms}


def _modules() -> dict[str, Path]:
    modules = {"__main__": ROOT / "__main__.py"}
    for room in ROOMS:
        folder = ROOT / room
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (a package's ``__init__`` for a
    name it defines), or ``None`` for a name outside the project."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> Iterator[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module:
                yield target


GRAPH = {module: set(_imports(module)) for module in MODULES}


def _room(module: str) -> str:
    return module.split(".")[0]


def test_the_map_covers_the_project():
    """Every room of the map exists and holds modules (a renamed package is noticed)."""
    found = {_room(module) for module in MODULES}
    assert found == set(ROOMS) - {"scripts"} | ({"scripts"} & found)
    assert len(MODULES) > 60


def test_no_import_runs_up_a_floor():
    """A module imports only modules of its own floor or the floors below it."""
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if ROOMS[_room(target)] > ROOMS[_room(module)]
    )
    assert upward == []


def test_no_rooms_of_one_floor_import_each_other():
    """Two rooms on one floor never both import the other (a circle between rooms)."""
    pairs = {
        (_room(module), _room(target))
        for module, targets in GRAPH.items()
        for target in targets
        if _room(module) != _room(target)
    }
    assert sorted((a, b) for a, b in pairs if (b, a) in pairs) == []


def test_no_circle_of_modules():
    """No module reaches itself through its imports (type-only imports included)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []
