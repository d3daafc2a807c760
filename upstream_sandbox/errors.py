"""Failures the routes translate into the upstream's status codes and error shapes."""

from __future__ import annotations


class NotFound(Exception):
    """404 with an empty body."""


class BadRequest(Exception):
    """400 `{"errors": "<message>"}`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unprocessable(Exception):
    """422 `{"errors": ...}`: field -> message (shape 1) or a plain string (shape 3)."""

    def __init__(self, errors: dict[str, str] | str) -> None:
        super().__init__(errors)
        self.errors = errors


# Portuguese messages, verbatim from the upstream (Rails pt-BR locale and the product's own).
BLANK = "não pode ficar em branco"
NOT_NUMERIC = "deve ser numérico"
INVALID_DATE = "não é uma data válida"
NOT_IN_LIST = "não está incluído na lista"
INVALID = "não é válido"
NOT_100_PERCENT = "Os vencimentos não totalizam 100%."
# Not observed on the upstream: worded in the same style.
MUST_BE_POSITIVE = "deve ser maior que 0"
MIN_ONE = "deve ser maior ou igual a 1"
CHARGE_NOW_REQUIRES = "só é permitido com gestão automática e pagamento por boleto"
CANNOT_APPROVE = "O faturamento não pode ser aprovado."
CANNOT_BLOCK = "O faturamento não pode ser bloqueado."
CANNOT_DELETE = "O faturamento não pode ser excluído."
CANNOT_RECEIVE = "O vencimento não pode ser recebido."
CANNOT_UNDO_RECEIPT = "O recebimento do vencimento não pode ser desfeito."
