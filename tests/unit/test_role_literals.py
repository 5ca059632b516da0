"""Roles are named by the constants of incubator.core.roles in the code, never spelled out:
a typo in a spelled-out role ("asessor") is a check that silently never matches."""

import ast
from pathlib import Path

from incubator.core.roles import ALL_ROLES

ROOT = Path(__file__).resolve().parents[2]
ROLE_NAMES = {"role", "roles", "owner_roles"}


def _is_role(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ALL_ROLES


def _roles_in(node: ast.AST) -> bool:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_role(e) for e in node.elts)
    return _is_role(node)


def _is_role_attribute(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "role") or (
        isinstance(node, ast.Name) and node.id == "role"
    )


def spelled_out_roles():
    for path in sorted((ROOT / "incubator").rglob("*.py")):
        if path.relative_to(ROOT).as_posix() == "incubator/core/roles.py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            found = False
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                found = any(_is_role_attribute(o) for o in operands) and any(
                    _roles_in(o) for o in operands
                )
            elif isinstance(node, ast.Set | ast.Tuple | ast.List) and node.elts:
                # A set of roles, or a tuple or list of two or more ("x" alone is no tuple).
                several = len(node.elts) > 1 or isinstance(node, ast.Set)
                found = several and all(_is_role(e) for e in node.elts)
            elif isinstance(node, ast.keyword):
                found = node.arg in ROLE_NAMES and _roles_in(node.value)
            elif isinstance(node, ast.Dict):
                found = any(
                    isinstance(k, ast.Constant) and k.value == "role" and _roles_in(v)
                    for k, v in zip(node.keys, node.values, strict=True)
                )
            elif isinstance(node, ast.arguments):
                positional = [*node.posonlyargs, *node.args]
                with_default = positional[len(positional) - len(node.defaults) :]
                defaults = zip(with_default, node.defaults, strict=True)
                hits = [d for a, d in defaults if a.arg in ROLE_NAMES and _roles_in(d)]
                found, line = bool(hits), hits[0].lineno if hits else 0
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                found = node.func.id == "person" and any(_roles_in(a) for a in node.args[1:])
            if found:
                yield f"{path.relative_to(ROOT)}:{line}"


def test_roles_are_named_by_their_constants():
    assert list(spelled_out_roles()) == []
