"""The generated REST writers (`gateway.rest.writer_compiler`) against the step-by-step writer
they replaced, built here from `gateway.rest.writer.Writer` as it was: the same bodies, keys
in the same order, and the same errors with the same paths, for any value of every field of
every input type an endpoint writes (hypothesis draws them, valid or not, set, null or unset).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st

import gateway.schema  # noqa: F401  (every endpoint declared, so every writer compiled)
from gateway.rest import translate, writer
from gateway.types.wire import Form, WireField, wire_fields

_reference: dict[tuple[type, tuple[str, ...]], writer.ItemWriter] = {}


def _reference_writer(cls: type, exclude: tuple[str, ...] = ()) -> writer.ItemWriter:
    """The writer as it was before it was compiled: one `Writer` method call per field."""
    if (cls, exclude) in _reference:
        return _reference[(cls, exclude)]
    steps = [
        _reference_step(field)
        for field in wire_fields(cls)
        if field.sent and field.attribute not in exclude
    ]

    def write(source: Any, path: list[str], errors: list[Any]) -> writer.Body:
        w = writer.Writer(source, path, errors)
        for step in steps:
            step(w)
        return w.body

    _reference[(cls, exclude)] = write
    return write


def _reference_step(field: WireField) -> Callable[[writer.Writer], None]:
    name, key = field.attribute, field.key
    if field.form in (Form.OBJECT, Form.LIST):
        assert field.item is not None
        item = _reference_writer(field.item)
        if field.form is Form.LIST:
            return lambda w: w.put_list(name, item, key=key)
        return lambda w: w.put_object(name, item, key=key)
    if field.form is Form.UPLOAD:
        return lambda w: translate._put_upload(w, name)
    if field.form is Form.FLATTENED:
        assert field.item is not None
        return translate._flattened(name, field.item, prefix=f"{key}_")
    convert = translate._converter(field)
    return lambda w: w.put(name, convert, key=key)


_LEAVES: dict[Form, st.SearchStrategy[Any]] = {
    Form.TEXT: st.text(max_size=5),
    Form.BOOLEAN: st.booleans(),
    Form.INTEGER: st.integers(),
    Form.ID: st.sampled_from(["1", "abc", ""]),
    Form.INTEGER_ID: st.sampled_from(["12", " 7 ", "", "x1", "1" * 19, "٣", "0"]).map(
        strawberry.ID
    ),
    Form.UUID: st.sampled_from(
        ["", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "3fa85f6457174562b3fc2c963f66afa6", "x"]
    ),
    Form.AMOUNT: st.decimals(allow_nan=False, allow_infinity=False, places=2),
    Form.QUANTITY: st.decimals(allow_nan=False, allow_infinity=False),
    Form.DATE_DMY_DASH: st.dates(),
    Form.DATE_DMY_SLASH: st.dates(),
    Form.DATE_ISO: st.dates(),
    Form.MONTH: st.dates(),
    Form.TIMESTAMP: st.datetimes(timezones=st.just(dt.UTC)),
    Form.UPLOAD: st.none(),
}


def _value(field: WireField, depth: int) -> st.SearchStrategy[Any]:
    if field.form in (Form.OBJECT, Form.FLATTENED):
        assert field.item is not None
        chosen = _instance(field.item, depth + 1)
    elif field.form is Form.LIST:
        assert field.item is not None
        chosen = st.lists(_instance(field.item, depth + 1), max_size=3)
    elif field.form is Form.ENUM:
        assert field.enum is not None
        chosen = st.sampled_from(list(field.enum))
    else:
        chosen = _LEAVES[field.form]
    return st.one_of(st.just(strawberry.UNSET), st.none(), chosen)


def _instance(cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    """An object of `cls` with any value in each field, made without `__init__` (the writers
    only read attributes)."""
    fields = wire_fields(cls)
    if depth > 3:
        return st.just(_built(cls, dict.fromkeys((f.attribute for f in fields), None)))
    values = {field.attribute: _value(field, depth) for field in fields}
    return st.fixed_dictionaries(values).map(lambda chosen: _built(cls, chosen))


def _built(cls: type, values: dict[str, Any]) -> Any:
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


# Every writer the gateway compiled at import, each input type with the path fields it leaves
# out of the body.
_WRITERS = sorted(translate._writers, key=lambda entry: (entry[0].__name__, entry[1]))


def _outcome(write: writer.ItemWriter, source: Any) -> tuple[Any, Any]:
    errors: list[Any] = []
    try:
        body: Any = write(source, ["input"], errors)
    except Exception as error:  # the same failure, if any, from both
        body = (type(error), str(error))
    return (_ordered(body), [(e.field, e.message, e.code) for e in errors])


def _ordered(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    return (type(value).__name__, value)


@pytest.mark.parametrize(
    ("cls", "exclude"), _WRITERS, ids=[f"{c.__name__}-{'-'.join(e)}" for c, e in _WRITERS]
)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_input_type_is_written_as_the_step_by_step_writer_wrote_it(
    cls: type, exclude: tuple[str, ...], data: Any
) -> None:
    source = data.draw(_instance(cls), label=cls.__name__)
    expected = _outcome(_reference_writer(cls, exclude), source)
    assert _outcome(translate.writer(cls, exclude=exclude), source) == expected


@settings(max_examples=200, deadline=None)
@given(st.dates())
def test_dates_are_formatted_as_strftime_formats_them(day: dt.date) -> None:
    assert writer.upstream_date(day) == day.strftime("%d-%m-%Y")
    assert writer.receipt_date(day) == day.strftime("%d/%m/%Y")
    assert writer.accrual_month(day) == day.strftime("%m/%Y")
