"""The postal address organizations, companies and people share.

The REST keys are the same for the three, but each resource answers them in its own order,
and a type's declaration order is the order the sandbox renders its keys in; so the output
types declare the address fields themselves, each with `address_field(...)`, while the inputs,
whose order does not matter on the wire, inherit them from `AddressFieldsInput`.
"""

from __future__ import annotations

from typing import Any, Literal

import strawberry

AddressPart = Literal["address", "number", "complement", "district", "zipcode", "city", "state"]

_DESCRIPTIONS: dict[AddressPart, str] = {
    "address": "Street (logradouro).",
    "number": "Street number, as text (it may hold letters, e.g. 'Qd. D03 Lt. 03').",
    "complement": "Complement of the address (suite, floor).",
    "district": "District (bairro).",
    "zipcode": "CEP (postal code): 8 digits, without the hyphen.",
    "city": "City.",
    "state": "State (UF), e.g. `SP`.",
}


def address_field(part: AddressPart) -> Any:
    """The output field of one part of the address."""
    return strawberry.field(default=None, description=_DESCRIPTIONS[part])


def _input(part: AddressPart, note: str = "") -> Any:
    return strawberry.field(default=strawberry.UNSET, description=_DESCRIPTIONS[part] + note)


@strawberry.input(description="The address fields a client writes into a party.")
class AddressFieldsInput:
    address: str | None = _input("address")
    number: str | None = _input("number")
    complement: str | None = _input("complement")
    district: str | None = _input("district")
    zipcode: str | None = _input(
        "zipcode", " Any other form is refused ('Por favor digite um CEP válido.')."
    )
    city: str | None = _input("city")
    state: str | None = _input("state")
