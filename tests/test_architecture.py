"""The package layout holds: no import cycle inside bot/, and dependencies point one way."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
# What each package may import from bot/ besides itself (DESIGN.md: adapters → conversation/handlers
# → services → knowledge/content → models).
BASE = {"bot.models", "bot.db", "bot.config"}
ALLOWED = {
    "knowledge": set(),
    "content": {"bot.knowledge", "bot.config"},
    "console": {"bot.services", "bot.content", "bot.knowledge", "bot.outbound", *BASE},
    "services": {"bot.content", "bot.knowledge", *BASE},
    "handlers": {"bot.conversation", "bot.services", "bot.content", "bot.knowledge", *BASE},
    "conversation": {"bot.handlers", "bot.services", "bot.content", "bot.knowledge", *BASE},
}
NEVER_IN_HANDLERS = ("flask", "wechatpy", "werkzeug")


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of what a file imports; `from pkg import mod` counts as importing pkg.mod."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If) and _is_type_checking(block.test)
                   for stmt in block.body for n in ast.walk(stmt)}  # annotations only: not a runtime import
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = node.module if node.level == 0 else ".".join(filter(None, [base, node.module]))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in BOT.rglob("*.py") if "migrations" not in p.parts}
    return {name: {i for i in imports_of(path) if i in modules and i != name} for name, path in modules.items()}


def test_no_import_cycle_inside_bot():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in edges[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    assert not cycles


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_dependencies_point_one_way(package):
    wrong = []
    for name, targets in graph().items():
        if name.split(".")[1:2] != [package]:
            continue
        for target in targets:
            top = ".".join(target.split(".")[:2])
            if top != f"bot.{package}" and top not in ALLOWED[package] and target not in ALLOWED[package]:
                wrong.append(f"{name} -> {target}")
    assert not wrong


def test_handlers_know_nothing_of_the_web():
    for path in (BOT / "handlers").rglob("*.py"):
        assert not {i.split(".")[0] for i in imports_of(path)} & set(NEVER_IN_HANDLERS), path
