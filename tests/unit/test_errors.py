"""One exception root: every error the gateway raises on purpose is a `GatewayError`, defined
in `gateway.errors`, listed in its docstring, and that module depends on nothing above it."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import gateway
from gateway import errors


def every_gateway_module() -> list[str]:
    names = ["gateway"]
    for module in pkgutil.walk_packages(gateway.__path__, "gateway."):
        if ".sandbox" not in module.name and module.name != "gateway.__main__":
            names.append(module.name)
    return names


def test_every_gateway_error_lives_in_the_errors_module_and_its_tree() -> None:
    found: set[type[errors.GatewayError]] = set()
    for name in every_gateway_module():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, errors.GatewayError):
                found.add(value)
    assert {cls.__module__ for cls in found} == {"gateway.errors"}
    doc = errors.__doc__ or ""
    for cls in found:
        assert f" {cls.__name__} " in doc or f"{cls.__name__}\n" in doc, cls.__name__


def test_the_errors_module_imports_nothing_of_the_gateway() -> None:
    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert [name for name in imported if name.startswith("gateway")] == []


def test_a_malformed_request_carries_its_own_status_and_code() -> None:
    error = errors.MalformedRequest("nope", status=413, code="REQUEST_TOO_LARGE")
    assert isinstance(error, errors.GatewayError)
    assert (error.status, error.code, error.headers) == (413, "REQUEST_TOO_LARGE", {})
    assert errors.GatewayError("x").code == "INTERNAL_SERVER_ERROR"
