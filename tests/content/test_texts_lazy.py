"""No text is read at import time: it would freeze the default community's texts into the code."""
from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def _import_time_reads(tree: ast.AST) -> list[int]:
    """Lines where ``texts.X`` runs at import: outside any function body or lambda (defaults count)."""
    found: list[int] = []

    def visit(node: ast.AST, deferred: bool) -> None:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "texts":
            if not deferred and node.attr.isupper():
                found.append(node.lineno)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    visit(default, deferred)
            body = node.body if isinstance(node.body, list) else [node.body]
            for child in body:
                visit(child, True)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, deferred)

    visit(tree, False)
    return found


def test_no_text_is_read_at_import_time() -> None:
    offenders = [f"{path.relative_to(BOT.parent)}:{line}" for path in sorted(BOT.rglob("*.py"))
                 for line in _import_time_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == []
