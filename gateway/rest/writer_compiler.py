"""One input type's REST writer as straight-line Python, generated once per type.

A writer made of one closure per field (`Writer.put` and friends) paid, for every field of
every item, a call, an attribute lookup by name and a path list copied in case of an error:
about 7 µs per receivable or service of an invoice. The generated function does what those
steps do, in the same order and with the same errors, with the field names as constants; the
path of an item is only spelled out when there is an error to report (`Path`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from strawberry.types.unset import UNSET
from strawberry.utils.str_converters import to_camel_case

from gateway.rest.writer import Body, JSONValue, Writer
from gateway.types.user_error import UserError, UserErrorCode

# Where a value sits in the input: the list a caller gives, or (the parent's path, a field
# name or an item's index), nested, spelled out by `spelled`.
Path: TypeAlias = "list[str] | tuple[Path, str | int]"
CompiledWriter: TypeAlias = Callable[[Any, Any, list[UserError]], Body]


@dataclass(frozen=True)
class Value:
    """A leaf: `convert` it, or send it as it is (`None`); a `ValueError` is the user's."""

    attribute: str
    key: str
    convert: Callable[[Any], JSONValue] | None


@dataclass(frozen=True)
class Nested:
    """An input object (`is_list=False`) or a list of them, written by `write`."""

    attribute: str
    key: str
    write: CompiledWriter
    is_list: bool


@dataclass(frozen=True)
class Custom:
    """A step over a `Writer` holding the body written so far (uploads, flattened objects)."""

    step: Callable[[Writer], None]


Part: TypeAlias = Value | Nested | Custom


def spelled(path: Path) -> list[str]:
    steps: list[str] = []
    while isinstance(path, tuple):
        path, step = path
        steps.append(str(step))
    return [*path, *reversed(steps)]


def _custom(step: Callable[[Writer], None]) -> Callable[[Any, Body, Path, list[UserError]], None]:
    def run(source: Any, body: Body, path: Path, errors: list[UserError]) -> None:
        w = Writer(source, spelled(path), errors)
        w.body = body
        step(w)

    return run


def compile_writer(parts: Sequence[Part]) -> CompiledWriter:
    """`write(source, path, errors) -> body`; `path` is a list of steps or a `Path`."""
    namespace: dict[str, Any] = {
        "UNSET": UNSET,
        "UserError": UserError,
        "INVALID": UserErrorCode.INVALID,
        "spelled": spelled,
    }
    lines = ["def write(source, path, errors):", "    body = {}"]
    for index, part in enumerate(parts):
        if isinstance(part, Custom):
            namespace[f"custom{index}"] = _custom(part.step)
            lines.append(f"    custom{index}(source, body, path, errors)")
            continue
        key, name = repr(part.key or part.attribute), repr(to_camel_case(part.attribute))
        lines += [
            f"    value = source.{part.attribute}",
            # `UnsetType` makes one instance only: an identity test says it all.
            "    if value is not UNSET:",
            "        if value is None:",
            f"            body[{key}] = None",
        ]
        if isinstance(part, Nested):
            namespace[f"write{index}"] = part.write
            if part.is_list:
                lines += [
                    "        else:",
                    f"            field = (path, {name})",
                    f"            body[{key}] = [write{index}(item, (field, position), errors)"
                    " for position, item in enumerate(value)]",
                ]
            else:
                lines += [
                    "        else:",
                    f"            body[{key}] = write{index}(value, (path, {name}), errors)",
                ]
        elif part.convert is None:
            lines += ["        else:", f"            body[{key}] = value"]
        else:
            namespace[f"convert{index}"] = part.convert
            lines += [
                "        else:",
                "            try:",
                f"                body[{key}] = convert{index}(value)",
                "            except ValueError as error:",
                f"                field = [*spelled(path), {name}]",
                "                errors.append(",
                "                    UserError(field=field, message=str(error), code=INVALID)",
                "                )",
            ]
    lines.append("    return body")
    exec(compile("\n".join(lines), "<rest writer>", "exec"), namespace)
    write: CompiledWriter = namespace["write"]
    return write
