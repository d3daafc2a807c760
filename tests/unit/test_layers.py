"""Layers import downward only: HTTP endpoint -> schema and resolvers -> REST API meaning
(with keyed writes) -> the HTTP client -> errors. Checked on the source, import by import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GATEWAY = Path(__file__).resolve().parents[2] / "gateway"

# Each package, and the gateway packages it must never import (the layers above it).
NEVER = {
    "errors.py": {"gateway."},
    "upstream": {
        "gateway.rest",
        "gateway.idempotency",
        "gateway.operations",
        "gateway.types",
        "gateway.schema",
        "gateway.http",
        "gateway.app",
    },
    "idempotency": {
        "gateway.rest",
        "gateway.context",
        "gateway.operations",
        "gateway.schema",
        "gateway.http",
    },
    "rest": {"gateway.operations", "gateway.schema", "gateway.http", "gateway.app"},
    "types": {"gateway.rest", "gateway.operations", "gateway.schema", "gateway.http"},
}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module + ".")
        elif isinstance(node, ast.Import):
            found.extend(alias.name + "." for alias in node.names)
    return found


@pytest.mark.parametrize("layer", sorted(NEVER))
def test_a_layer_never_imports_the_layers_above_it(layer: str) -> None:
    target = GATEWAY / layer
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    wrong = [
        (path.relative_to(GATEWAY).as_posix(), module.rstrip("."))
        for path in files
        for module in imports_of(path)
        if any(
            module.startswith(prefix + ("" if prefix.endswith(".") else "."))
            for prefix in NEVER[layer]
        )
    ]
    assert wrong == []


def test_the_sandbox_is_a_package_of_its_own_that_knows_nothing_of_the_gateway() -> None:
    sandbox = GATEWAY.parent / "upstream_sandbox"
    files = sorted(sandbox.rglob("*.py"))
    assert files
    wrong = [
        (path.name, module)
        for path in files
        for module in imports_of(path)
        if module.startswith("gateway.")
    ]
    assert wrong == []
