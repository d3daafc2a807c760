"""What a delivery says: an availability ping, an invoice's event, or another event.

The body is `{"event", "object_type", "object_id", "contract_token", "contract_id"}`; the ids
may be strings or numbers (they are kept as text), and `contract_id` is absent in deliveries
older than 2019-07. The event name is kept as sent: the eight documented invoice events are
`INVOICE_EVENTS`, and an unknown name on an invoice still makes an invoice delivery. Events on
other objects (`change_plan`, and the retired `payment_gateway_status`, which carry no
`object_type`) are `OtherEvent`s: taken, never published as invoice events.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from gateway.errors import InvalidDelivery

INVOICE = "Invoice"
INVOICE_EVENTS = frozenset(
    {
        "update",
        "emit",
        "undo_emission",
        "cancel",
        "undo_cancellation",
        "confirm_receival",
        "undo_receival",
        "receivement_error",
    }
)
# Longest id or token taken: the REST ids are integers, tokens short; a megabyte-long "id"
# is no delivery.
MAX_ID_LENGTH = 256
MAX_EVENT_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Ping:
    """`{"test": true}`: the product checking the URL answers, before every delivery."""


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """An event about something other than an invoice (`change_plan`): taken, not published."""

    event: str


@dataclass(frozen=True, slots=True)
class InvoiceDelivery:
    """An invoice's event, as the product sent it (ids as text)."""

    event: str
    object_id: str
    contract_token: str
    contract_id: str | None = None

    @property
    def known(self) -> bool:
        """Whether the event is one of the eight documented invoice events."""
        return self.event in INVOICE_EVENTS

    def to_json(self) -> dict[str, str | None]:
        return {
            "event": self.event,
            "object_type": INVOICE,
            "object_id": self.object_id,
            "contract_token": self.contract_token,
            "contract_id": self.contract_id,
        }


Delivery = Ping | OtherEvent | InvoiceDelivery


def parse_delivery(body: bytes) -> Delivery:
    """Read a delivery's body; `InvalidDelivery` names the path and the reason, never a value."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidDelivery("not JSON") from None
    if not isinstance(data, dict):
        raise InvalidDelivery("not a JSON object")
    if "event" not in data and data.get("test") is True:
        return Ping()
    event = _text(data, "event", max_length=MAX_EVENT_LENGTH)
    if event is None:
        raise InvalidDelivery("missing", path=["event"])
    object_type = _text(data, "object_type", max_length=MAX_EVENT_LENGTH)
    if object_type != INVOICE and (object_type is not None or event not in INVOICE_EVENTS):
        return OtherEvent(event)
    object_id = _identifier(data, "object_id")
    token = _text(data, "contract_token", max_length=MAX_ID_LENGTH)
    if object_id is None:
        raise InvalidDelivery("missing", path=["object_id"])
    if token is None:
        raise InvalidDelivery("missing", path=["contract_token"])
    return InvoiceDelivery(
        event=event,
        object_id=object_id,
        contract_token=token,
        contract_id=_identifier(data, "contract_id"),
    )


def _text(data: dict[str, object], key: str, *, max_length: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidDelivery("must be a string", path=[key])
    if not value:
        raise InvalidDelivery("must not be empty", path=[key])
    if len(value) > max_length:
        raise InvalidDelivery(f"longer than {max_length} characters", path=[key])
    return value


def _identifier(data: dict[str, object], key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, bool):  # a JSON true is no id, though Python counts it an int
        raise InvalidDelivery("must be a string or an integer", path=[key])
    if isinstance(value, int):
        return str(value)
    if value is None or isinstance(value, str):
        return _text(data, key, max_length=MAX_ID_LENGTH)
    raise InvalidDelivery("must be a string or an integer", path=[key])
