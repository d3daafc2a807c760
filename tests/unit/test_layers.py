"""Layers import downward only: HTTP endpoint (and, beside it, webhooks in) -> schema and
resolvers -> REST API meaning (with keyed writes) -> the HTTP client -> errors. Checked on
the source, import by import; the sandbox's, also on what importing it loads."""

from __future__ import annotations

import ast
import subprocess
import sys
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
        "gateway.webhooks",
    },
    "idempotency": {
        "gateway.rest",
        "gateway.context",
        "gateway.operations",
        "gateway.schema",
        "gateway.http",
        "gateway.webhooks",
    },
    "rest": {
        "gateway.operations",
        "gateway.schema",
        "gateway.http",
        "gateway.app",
        "gateway.webhooks",
    },
    "types": {
        "gateway.rest",
        "gateway.operations",
        "gateway.schema",
        "gateway.http",
        "gateway.webhooks",
    },
    # The bottom layer, beside the errors: every layer records here.
    "observability": {
        "gateway.app",
        "gateway.http",
        "gateway.schema",
        "gateway.operations",
        "gateway.fastpath",
        "gateway.rest",
        "gateway.upstream",
        "gateway.idempotency",
        "gateway.context",
        "gateway.types",
        "gateway.webhooks",
        "gateway.logs",
        "gateway.settings",
    },
    # Beside the HTTP layer: it receives deliveries, it neither runs GraphQL nor calls upstream.
    "webhooks": {
        "gateway.app",
        "gateway.http",
        "gateway.schema",
        "gateway.operations",
        "gateway.fastpath",
        "gateway.rest",
        "gateway.upstream",
        "gateway.idempotency",
        "gateway.context",
    },
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


SANDBOX = GATEWAY.parent / "upstream_sandbox"
# The gateway packages that the sandbox may import: the declarations of the resources.
DECLARATIONS = "gateway.types."
# What the gateway builds on those declarations, which the sandbox must never load, not even
# through the declarations it imports.
GATEWAY_MACHINERY = (
    "gateway.app",
    "gateway.fastpath",
    "gateway.http",
    "gateway.operations",
    "gateway.rest",
    "gateway.schema",
    "gateway.upstream",
)


def test_the_sandbox_imports_of_the_gateway_only_its_declarations() -> None:
    """The sandbox is a package of its own, standing in for the upstream. It renders its
    responses from the gateway's declarations of the resources (`gateway.types`, where
    `gateway.types.wire` gives each field its REST name and wire form), so that a resource is
    declared once; it imports nothing else of the gateway: neither the mapping and translation
    that read the same declarations, nor the client, the schema or the HTTP endpoint. The names
    in those declarations are checked independently of them by the documented examples in
    examples/fixtures, copied from the upstream's documentation, which the sandbox's tests
    compare its answers with."""
    files = sorted(SANDBOX.rglob("*.py"))
    assert files
    wrong = [
        (path.name, module.rstrip("."))
        for path in files
        for module in imports_of(path)
        if module.startswith("gateway.") and not module.startswith(DECLARATIONS)
    ]
    assert wrong == []
    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED_MODULES],
        cwd=SANDBOX.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "gateway.types.wire" in loaded
    assert [m for m in loaded if m in GATEWAY_MACHINERY or m.startswith(_PACKAGES)] == []


_PACKAGES = tuple(name + "." for name in GATEWAY_MACHINERY)
_LOADED_MODULES = "import sys, upstream_sandbox; print(*sorted(sys.modules))"
