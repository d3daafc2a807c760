"""Mapping: the upstream's `{"errors": ...}` bodies -> `UserError`s. Pure functions.

The upstream uses three shapes (field -> message, field -> [messages], and a plain string).
Field keys are REST names with dots for nesting and no item index (`receivables.due_date`);
they become paths into the GraphQL arguments (`["input", "receivables", "dueDate"]`).
Messages are kept as the upstream wrote them; the code is recognised from the wording.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from strawberry.utils.str_converters import to_camel_case

from gateway.types.user_error import UserError, UserErrorCode

# Portuguese first (what the upstream speaks), English for Rails' default locale.
_CODES: tuple[tuple[re.Pattern[str], UserErrorCode], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"em branco|obrigat[oó]ri|can't be blank|must exist", UserErrorCode.BLANK),
        (r"num[eé]ric|n[aã]o [eé] um n[uú]mero|not a number", UserErrorCode.NOT_A_NUMBER),
        (r"j[aá] est[aá] em uso|j[aá] existe|already been taken", UserErrorCode.TAKEN),
        (r"muito longo|too long", UserErrorCode.TOO_LONG),
        (r"muito curto|too short", UserErrorCode.TOO_SHORT),
        (
            r"n[aã]o est[aá] inclu[ií]do na lista|not included in the list",
            UserErrorCode.NOT_INCLUDED,
        ),
    )
)
_INDEXED = re.compile(r"(?P<name>[^\[\]]+)\[(?P<index>\d+)\]")
# Rails' name for errors about the record as a whole.
_WHOLE_RECORD = "base"


def code_for(message: str) -> UserErrorCode:
    for pattern, code in _CODES:
        if pattern.search(message):
            return code
    return UserErrorCode.INVALID


def field_path(key: str, *, root: Sequence[str]) -> list[str] | None:
    """`receivables.due_date` -> `[*root, "receivables", "dueDate"]`; `base` -> `None`."""
    if key == _WHOLE_RECORD:
        return None
    path = list(root)
    for part in key.split("."):
        indexed = _INDEXED.fullmatch(part)
        name, index = (indexed["name"], indexed["index"]) if indexed else (part, None)
        if name == _WHOLE_RECORD:
            continue
        path.append(to_camel_case(name.lstrip("_")))
        if index is not None:
            path.append(index)
    return path


def user_errors_from_rejection(errors: object, *, root: Sequence[str]) -> list[UserError]:
    """Every message in an upstream `errors` value, in the order the upstream gave them."""
    found: list[UserError] = []
    _collect(errors, key=None, root=root, into=found)
    if not found:
        found.append(
            UserError(
                field=None,
                message="The upstream rejected the request.",
                code=UserErrorCode.INVALID,
            )
        )
    return found


def _collect(value: object, *, key: str | None, root: Sequence[str], into: list[UserError]) -> None:
    if isinstance(value, str):
        path = None if key is None else field_path(key, root=root)
        into.append(UserError(field=path, message=value, code=code_for(value)))
    elif isinstance(value, list):
        for item in value:
            _collect(item, key=key, root=root, into=into)
    elif isinstance(value, dict):
        for child, nested in value.items():
            _collect(
                nested, key=str(child) if key is None else f"{key}.{child}", root=root, into=into
            )
    elif value is not None:
        _collect(str(value), key=key, root=root, into=into)
