"""Reading encompass's source with `ast` for the house-rule tests (commits, configuration
reads): every node with the innermost function that holds it."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def nodes_in_functions(source: str) -> Iterator[tuple[str, ast.AST]]:
    """(function, node) for every node of `source`; "<module>" outside any function."""

    def visit(node: ast.AST, function: str) -> Iterator[tuple[str, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            yield function, child
            inner = (
                child.name
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                else function
            )
            yield from visit(child, inner)

    yield from visit(ast.parse(source), "<module>")
