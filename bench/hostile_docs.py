"""The documents of the hostile-client benchmark: each shape a function of a number `n`.

Every call with a new `n` gives a new text, because a hostile client changes something in
every request (a comment, a name) so that no cache keyed by the text can help; `n` sits where
it changes nothing the limits look at. Sizes are set against the gateway's defaults
(`gateway/settings.py`): 32,768 query bytes, 1,000 tokens, 15 aliases, depth 12, and the
text rules of `gateway/document_limits.py` (5 repeats, 3 unknown fields).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]

# Just under the 32 KiB query limit once the rest of the document is added.
NEAR_LIMIT_BYTES = 30 * 1024
# Arguments fill a document up to near the 1,000-token limit before the part that breaks a
# rule, so the gateway reads (almost) every token before it can refuse: the worst case.
PAD_TOKENS = 900

# The normal client's read (the invoice is created first, see `CREATE_INVOICE`).
NORMAL_QUERY = 'query Read { invoice(contractId: "3", id: "1") { id state grossValue } }'

CREATE_INVOICE: Body = {
    "query": (
        "mutation Create($input: CreateInvoiceInput!) {"
        " createInvoice(input: $input) { invoice { id } userErrors { message } } }"
    ),
    "variables": {
        "input": {
            "contractId": "3",
            "description": "hostile bench",
            "grossValue": "1500.00",
            "issueDate": "2025-06-02",
            "receivables": [{"grossValue": "1500.00", "dueDate": "2025-06-10"}],
            "services": [
                {
                    "description": "Consultoria",
                    "units": "10",
                    "unitValue": "150.00",
                    "value": "1500.00",
                }
            ],
            "paymentInformation": {"paymentMethod": "BILLET"},
        }
    },
}


def _pad(n: int, size: int = NEAR_LIMIT_BYTES) -> str:
    """`size` characters starting with `n`: a distinct filler for comments, names, strings."""
    head = f"n{n}_"
    return head + "x" * (size - len(head))


def _argument_pad() -> str:
    # A list argument: inside parentheses the text rules count tokens only, so this costs the
    # token passes without tripping any other rule first.
    return "__typename(pad: [" + " ".join("1" for _ in range(PAD_TOKENS - 6)) + "])"


ARGUMENT_PAD = _argument_pad()


# Shapes of the memory run: each is near the size limit or cacheable, and new every time.


def invalid_long_field(n: int) -> Body:
    """One unknown field with a 30 KB name: passes every text limit, fails validation."""
    return {"query": "{ u" + _pad(n) + " }"}


def invalid_long_comment(n: int) -> Body:
    """An unknown field and a distinct 30 KB comment."""
    return {"query": "{ nope } # " + _pad(n)}


def invalid_long_string(n: int) -> Body:
    """A 30 KB string literal in an argument `__typename` does not take."""
    return {"query": '{ __typename(x: "' + _pad(n) + '") }'}


def valid_long_comment(n: int) -> Body:
    """A valid document behind a distinct 30 KB comment: the cache may keep it."""
    return {"query": "# " + _pad(n) + "\n{ __typename }"}


def apq_registration(n: int) -> Body:
    """A distinct automatic persisted query registered with its text (30 KB of comment)."""
    query = "{ __typename } # " + _pad(n)
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}


def valid_long_strings(n: int) -> Body:
    """A valid document with three distinct ~10 KB string literals (each just under the
    10,000-character input limit): cacheable, with 30 KB of strings in its AST."""
    fields = " ".join(
        f'a{k}: invoices(organizationId: "1", after: "{_pad(n * 3 + k, 9_900)}") {{ totalPages }}'
        for k in range(3)
    )
    return {"query": "{ " + fields + " }"}


def valid_small(n: int) -> Body:
    """A small valid document with a distinct alias and comment (cacheable)."""
    return {"query": f"# {n}\n{{ a{n}: __typename }}"}


MEMORY_SHAPES: dict[str, Callable[[int], Body]] = {
    "invalid, 30 KB unknown field name": invalid_long_field,
    "invalid, 30 KB comment": invalid_long_comment,
    "invalid, 30 KB string literal": invalid_long_string,
    "valid, 30 KB comment": valid_long_comment,
    "valid, 3 strings of 9.9 KB": valid_long_strings,
    "APQ registration, 30 KB": apq_registration,
    "valid, small, distinct alias": valid_small,
}


# Shapes of the CPU run. `over_limit` ones break a limit and must be cheap to refuse.


@dataclass(frozen=True)
class CpuShape:
    name: str
    make: Callable[[int], Body]
    over_limit: bool
    what: str


def _query(text: str) -> Body:
    return {"query": text}


def over_bytes(n: int) -> Body:
    return _query(f"# {n}\n{{ __typename }} # " + _pad(n, 33 * 1024))


def over_tokens(n: int) -> Body:
    # ~16,000 one-letter tokens in ~32 KB.
    return _query(f"# {n}\n{{ " + "a " * 15_900 + "}")


def over_aliases(n: int) -> Body:
    aliases = " ".join(f"a{k}: __typename" for k in range(16))
    return _query(f"# {n}\n{{ {ARGUMENT_PAD} {aliases} }}")


def too_deep(n: int) -> Body:
    # A field the schema has (`Query.invoice`): the unknown-field rule must not refuse it first.
    return _query(f"# {n}\n{{ {ARGUMENT_PAD} " + "invoice { " * 13 + "id" + " }" * 13 + " }")


def repeated_field(n: int) -> Body:
    # 995 times, so the document stays within the token limit and the repeat rule refuses it.
    return _query(f"# {n}\n{{ " + "__typename " * 995 + "}")


def fragment_chain(n: int) -> Body:
    # Each link is 8 tokens: a chain of 120 fits the token limit, far past depth 12.
    links = 120
    fragments = " ".join(f"fragment F{k} on Query {{ ...F{k + 1} }}" for k in range(links))
    last = f"fragment F{links} on Query {{ __typename }}"
    return _query(f"# {n}\nquery {{ ...F0 }} {fragments} {last}")


def unknown_fields(n: int) -> Body:
    return _query(f"# {n}\n{{ " + " ".join(f"u{k}" for k in range(995)) + " }")


def invalid_within_limits(n: int) -> Body:
    # ~900 tokens of valid arguments (100 receivables of 9 tokens), then 3 unknown fields:
    # under every text limit, so it is parsed and validated in full, then refused.
    receivable = '{ grossValue: "1.00", dueDate: "2025-06-10" }'
    receivables = ", ".join(receivable for _ in range(98))
    return _query(
        f'# {n}\nmutation {{ createInvoice(input: {{ contractId: "3", description: "d", '
        f"receivables: [{receivables}] }}) {{ invoice {{ id }} x1 x2 x3 }} }}"
    )


def comment_30k(n: int) -> Body:
    return _query("# " + _pad(n) + "\n{ nope }")


def string_30k(n: int) -> Body:
    return invalid_long_string(n)


def reference_cached(n: int) -> Body:
    return _query("{ __typename }")


def reference_distinct(n: int) -> Body:
    return valid_small(n)


CPU_SHAPES: tuple[CpuShape, ...] = (
    CpuShape("over the byte limit", over_bytes, True, "33 KB: a comment past 32,768 bytes"),
    CpuShape("over the token limit", over_tokens, True, "~16,000 tokens in ~32 KB"),
    CpuShape("over the alias limit", over_aliases, True, "900 tokens of arguments, 16 aliases"),
    CpuShape("too deep", too_deep, True, "900 tokens of arguments, then 13 levels"),
    CpuShape("same field 995 times", repeated_field, True, "`__typename` x 995"),
    CpuShape("chain of fragments", fragment_chain, True, "121 fragments, each spreading the next"),
    CpuShape("995 unknown fields", unknown_fields, True, "`u0 ... u994`"),
    CpuShape(
        "invalid within every limit",
        invalid_within_limits,
        False,
        "createInvoice with 98 receivables (~900 tokens) and 3 unknown fields",
    ),
    CpuShape("30 KB comment", comment_30k, False, "a 30 KB comment and one unknown field"),
    CpuShape("30 KB string literal", string_30k, False, "a 30 KB string in an unknown argument"),
    CpuShape(
        "reference: valid, cached", reference_cached, False, "`{ __typename }`, the same text"
    ),
    CpuShape(
        "reference: valid, distinct", reference_distinct, False, "`{ aN: __typename }`, new text"
    ),
)
