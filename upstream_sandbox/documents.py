"""Brazilian documents as the upstream checks and writes them: CNPJ, CPF and CEP.

A CNPJ or CPF is valid when its check digits are (the mod-11 rule of the Receita Federal)
and its digits are not all the same. Both are accepted formatted (`87.667.729/0001-02`,
`241.989.473-17`) or as bare digits; the upstream stores a CNPJ formatted and a CPF as its 11
digits, whatever was sent. A CEP is 8 digits, with no hyphen.
"""

from __future__ import annotations

import re
from typing import Any

_PUNCTUATION = re.compile(r"[\s./-]")
_CEP = re.compile(r"\d{8}")
_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def digits(value: Any) -> str | None:
    """The digits of a document written with or without its punctuation; `None` when it holds
    anything else (`foo`, `auth_test`)."""
    if not isinstance(value, str):
        return None
    bare = _PUNCTUATION.sub("", value)
    return bare if bare.isascii() and bare.isdigit() else None


def cnpj_digits(value: Any) -> str | None:
    """The 14 digits of a valid CNPJ; `None` for anything else."""
    found = digits(value)
    if found is None or len(found) != 14 or len(set(found)) == 1:
        return None
    return found if found[12:] == _cnpj_check(found[:12]) else None


def cpf_digits(value: Any) -> str | None:
    """The 11 digits of a valid CPF; `None` for anything else."""
    found = digits(value)
    if found is None or len(found) != 11 or len(set(found)) == 1:
        return None
    return found if found[9:] == _cpf_check(found[:9]) else None


def format_cnpj(cnpj: str) -> str:
    """`NN.NNN.NNN/NNNN-NN`, from the 14 digits."""
    return f"{cnpj[:2]}.{cnpj[2:5]}.{cnpj[5:8]}/{cnpj[8:12]}-{cnpj[12:]}"


def is_cep(value: Any) -> bool:
    return isinstance(value, str) and _CEP.fullmatch(value) is not None


def cnpj_from(base: str) -> str:
    """The formatted CNPJ of 12 digits (root and branch) with its check digits added."""
    return format_cnpj(base + _cnpj_check(base))


def cpf_from(base: str) -> str:
    """The 11-digit CPF of 9 digits with its check digits added."""
    return base + _cpf_check(base)


def _mod11(total: int) -> str:
    rest = total % 11
    return "0" if rest < 2 else str(11 - rest)


def _cnpj_check(base: str) -> str:
    first = _mod11(sum(int(d) * w for d, w in zip(base, _CNPJ_WEIGHTS[1:], strict=True)))
    second = _mod11(sum(int(d) * w for d, w in zip(base + first, _CNPJ_WEIGHTS, strict=True)))
    return first + second


def _cpf_check(base: str) -> str:
    first = _mod11(sum(int(d) * w for d, w in zip(base, range(10, 1, -1), strict=True)))
    second = _mod11(sum(int(d) * w for d, w in zip(base + first, range(11, 1, -1), strict=True)))
    return first + second
