"""The upstream's three 422 shapes -> user errors with GraphQL paths."""

from __future__ import annotations

from gateway.rest.rejections import field_path, user_errors_from_rejection
from gateway.types.user_error import UserErrorCode


def as_tuples(errors: object) -> list[tuple[list[str] | None, str, UserErrorCode]]:
    return [
        (e.field, e.message, e.code) for e in user_errors_from_rejection(errors, root=["input"])
    ]


def test_shape_one_field_to_message_with_dotted_keys() -> None:
    assert as_tuples(
        {"receivables.due_date": "não pode ficar em branco", "services.units": "deve ser numérico"}
    ) == [
        (["input", "receivables", "dueDate"], "não pode ficar em branco", UserErrorCode.BLANK),
        (["input", "services", "units"], "deve ser numérico", UserErrorCode.NOT_A_NUMBER),
    ]


def test_shape_two_field_to_list_of_messages() -> None:
    assert as_tuples({"cnpj": ["já está em uso", "é muito longo"]}) == [
        (["input", "cnpj"], "já está em uso", UserErrorCode.TAKEN),
        (["input", "cnpj"], "é muito longo", UserErrorCode.TOO_LONG),
    ]


def test_shape_three_plain_string_has_no_field() -> None:
    assert as_tuples("O faturamento não pode ser aprovado.") == [
        (None, "O faturamento não pode ser aprovado.", UserErrorCode.INVALID)
    ]


def test_invoice_level_rule_lands_on_the_collection() -> None:
    assert as_tuples({"receivables": "Os vencimentos não totalizam 100%."}) == [
        (["input", "receivables"], "Os vencimentos não totalizam 100%.", UserErrorCode.INVALID)
    ]


def test_paths_for_indexes_nesting_and_base() -> None:
    assert field_path("receivables[0].due_date", root=["input"]) == [
        "input",
        "receivables",
        "0",
        "dueDate",
    ]
    assert field_path("payment_information.payment_method", root=["input"]) == [
        "input",
        "paymentInformation",
        "paymentMethod",
    ]
    assert field_path("base", root=["input"]) is None
    assert as_tuples({"approval_status": "não está incluído na lista"})[0][2] is (
        UserErrorCode.NOT_INCLUDED
    )


def test_nested_objects_and_empty_errors() -> None:
    assert as_tuples({"receivables": {"due_date": ["não pode ficar em branco"]}}) == [
        (["input", "receivables", "dueDate"], "não pode ficar em branco", UserErrorCode.BLANK)
    ]
    assert as_tuples({}) == [(None, "The upstream rejected the request.", UserErrorCode.INVALID)]
