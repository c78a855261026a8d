"""AST-aware changed symbols: definitions of the real source before and after, compared node by node.

A function or method changed when its AST (without positions) differs; its signature
changed when its arguments or return annotation differ. A class changed when its own
statements, bases, keywords or decorators differ (its methods are compared on their own).
Statements outside any definition are compared as one "module level" block.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from samplegen_dagster.enrichment.models import SymbolChange

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Symbol:
    kind: str
    signature: str
    dump: str
    lines: list[int]


def _signature(node) -> str:
    if isinstance(node, ast.ClassDef):
        parts = [ast.unparse(b) for b in node.bases] + [ast.unparse(k) for k in node.keywords]
        return f"class {node.name}({', '.join(parts)})"
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"{prefix} {node.name}({ast.unparse(node.args)}){ret}"


def _own(node: ast.ClassDef) -> str:
    shallow = ast.ClassDef(
        name=node.name, bases=node.bases, keywords=node.keywords, decorator_list=node.decorator_list,
        body=[s for s in node.body if not isinstance(s, _DEFS)], type_params=getattr(node, "type_params", []),
    )
    return ast.dump(shallow)


def symbols(source: str) -> tuple[dict[str, Symbol], str]:
    """Definitions by qualified name, and a dump of the module-level statements."""
    tree = ast.parse(source)
    out: dict[str, Symbol] = {}

    def visit(body, prefix: str, in_class: bool) -> None:
        for node in body:
            if not isinstance(node, _DEFS):
                continue
            qual = f"{prefix}{node.name}"
            lines = [node.lineno, node.end_lineno or node.lineno]
            if isinstance(node, ast.ClassDef):
                out[qual] = Symbol("class", _signature(node), _own(node), lines)
                visit(node.body, qual + ".", True)
            else:
                out[qual] = Symbol("method" if in_class else "function", _signature(node), ast.dump(node), lines)
                visit(node.body, qual + ".", False)

    visit(tree.body, "", False)
    module = ast.dump(ast.Module(body=[s for s in tree.body if not isinstance(s, _DEFS)], type_ignores=[]))
    return out, module


def changed_symbols(path: str, before: str | None, after: str | None) -> tuple[list[SymbolChange], bool]:
    """(changes, module-level statements changed) for one Python file; ``None`` = file absent."""
    old, old_mod = symbols(before) if before is not None else ({}, None)
    new, new_mod = symbols(after) if after is not None else ({}, None)
    changes: list[SymbolChange] = []
    for name in list(old) + [n for n in new if n not in old]:
        a, b = old.get(name), new.get(name)
        if a and b and a.dump == b.dump:
            continue
        change = "modified" if a and b else ("removed" if a else "added")
        changes.append(
            SymbolChange(
                file=path,
                name=name,
                kind=(b or a).kind,
                change=change,
                signatureChanged=bool(a and b and a.signature != b.signature),
                signatureBefore=a.signature if a else None,
                signatureAfter=b.signature if b else None,
                linesBefore=a.lines if a else None,
                linesAfter=b.lines if b else None,
            )
        )
    return changes, old_mod != new_mod
