"""Value formats of the upstream: how it reads request values and writes response values."""

from __future__ import annotations

import binascii
import re
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

# The upstream answers in America/Sao_Paulo; since 2019 that zone has no DST, so a fixed
# offset reproduces its timestamps without depending on the system tz database.
SAO_PAULO = timezone(timedelta(hours=-3))

CENTS = Decimal("0.01")

_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_TRUE = frozenset({"1", "t", "true", "on", "yes"})


def now() -> datetime:
    return datetime.now(SAO_PAULO)


def is_blank(value: Any) -> bool:
    """Rails' notion of blank, which decides 'não pode ficar em branco'."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def to_decimal(value: Any) -> Decimal | None:
    """A request amount as Decimal; None when it is not numeric.

    Numeric strings are accepted because Rails' numericality validation accepts them.
    Booleans are rejected explicitly: in Python they are ints.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str) and _NUMERIC.fullmatch(value):
        return Decimal(value.strip())
    return None


def to_int(value: Any) -> int | None:
    """Rails' integer column cast: "" and garbage become nil, "2" becomes 2."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def to_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value) if isinstance(value, (bool, int)) else False


def to_text(value: Any) -> str | None:
    """A free-text request value; empty strings are stored as nil, as the upstream does."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def format_decimal(value: Decimal | None) -> str | None:
    """Rails' BigDecimal#to_s for amounts: "700.0", "700.5", "0.25"; never an exponent."""
    if value is None:
        return None
    if value == 0:
        return "0.0"
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def parse_request_date(value: Any) -> date | None:
    """Request dates: documented DD-MM-YYYY; ISO and DD/MM/YYYY were also accepted."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_accrual_date(value: Any) -> date | None:
    """accrual_date is a month: MM/YYYY (documented) or any request date (its month)."""
    if isinstance(value, str):
        for pattern in ("%m/%Y", "%m-%Y", "%Y-%m"):
            try:
                return datetime.strptime(value.strip(), pattern).date()
            except ValueError:
                continue
    day = parse_request_date(value)
    return None if day is None else day.replace(day=1)


def format_date(value: date | None) -> str | None:
    return None if value is None else value.strftime("%d/%m/%Y")


def format_iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def format_timestamp(value: datetime) -> str:
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{value.strftime('%d/%m/%Y %H:%M:%S')} {sign}{hours:02d}:{rest:02d}"


def is_valid_base64(value: str) -> bool:
    """Lenient like Ruby's Base64.decode64, which the upstream uses: padding is optional
    (the documented example sends "tst"), but characters must come from the alphabet."""
    text = "".join(value.split())
    if not _BASE64.fullmatch(text):
        return False
    body = text.rstrip("=")
    if len(body) % 4 == 1:
        return False
    try:
        binascii.a2b_base64(body + "=" * (-len(body) % 4), strict_mode=True)
    except binascii.Error:
        return False
    return True


def attachment_url(attachment_id: int, filename: str, created_at: datetime) -> str:
    """Paperclip's default URL: id partitioned in groups of three, cache-busting epoch."""
    digits = f"{attachment_id:09d}"
    partition = "/".join(digits[i : i + 3] for i in range(0, 9, 3))
    epoch = int(created_at.timestamp())
    return f"/system/attachments/attachments/{partition}/original/{quote(filename)}?{epoch}"
