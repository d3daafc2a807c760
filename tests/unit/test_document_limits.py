"""Costly documents are refused from their text, before graphql-core parses them."""

from __future__ import annotations

import pytest

from examples import seed
from gateway.document_limits import (
    MAX_REPEATS,
    MAX_UNKNOWN_FIELDS,
    DocumentLimits,
    DocumentRefused,
    check_text,
)

LIMITS = DocumentLimits(
    max_query_bytes=32 * 1024,
    max_tokens=1000,
    max_aliases=15,
    max_depth=12,
    max_directives=50,
    max_string_length=100,
    max_content_length=1000,
    known_fields=frozenset({"__typename", "invoice", "id", "state", "receivables", "on"}),
)
UNBOUNDED = DocumentLimits()


@pytest.mark.parametrize(
    "query", [seed.CREATE_INVOICE, seed.RECEIVABLES, seed.SEARCH_INVOICES, seed.LATE_INVOICES]
)
def test_the_documented_operations_pass_with_their_token_count(query: str) -> None:
    from graphql.language.parser import Parser

    parser = Parser(query)
    parser.parse_document()
    assert check_text(query, UNBOUNDED) == parser._token_counter


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("{ id }" + " " * 40_000, "too long (the limit is 32768 bytes)"),
        ("{ " + "id " * 1200 + "}", "too many tokens (the limit is 1000)"),
        ("{ id }" + "\n# a comment" * 1000, "too many tokens (the limit is 1000)"),
        ("{ " + " ".join(f"a{i}: id" for i in range(16)) + " }", "too many aliases"),
        ("{ " + "invoice { " * 13 + "id" + " }" * 13 + " }", "nested too deeply"),
        ("{ " + "__typename " * (MAX_REPEATS + 1) + "}", "same field or fragment"),
        ("{ id " + "@skip(if: false) " * 51 + "}", "too many directives (the limit is 50)"),
        ("{ " + "n" * 129 + " }", "A name is longer than 128 characters."),
        ('{ invoice(id: "' + "x" * 101 + '") { id } }', "A string is longer than 100"),
        ('{ invoice(id: """' + "x" * 101 + '""") { id } }', "A string is longer than 100"),
        ('{ invoice(a: {content: "' + "x" * 1001 + '"}) { id } }', "A string is longer than 1000"),
        ("{ " + "... on Query { __typename } " * (MAX_REPEATS + 1) + "}", "same field"),
        ("{ " + "...F " * (MAX_REPEATS + 1) + "} fragment F on Query { id }", "same field"),
        ("{ " + " ".join(f"f{i}" for i in range(MAX_UNKNOWN_FIELDS + 1)) + " }", "no type"),
    ],
)
def test_a_document_over_a_limit_is_refused_with_the_reason(query: str, reason: str) -> None:
    with pytest.raises(DocumentRefused) as refused:
        check_text(query, LIMITS)
    assert reason in refused.value.message
    code = "INPUT_TOO_LARGE" if "string is longer" in reason else "GRAPHQL_VALIDATION_FAILED"
    assert refused.value.extensions == {"code": code}


@pytest.mark.parametrize(
    "query",
    [
        # Not aliases: colons inside arguments, variable definitions and object values.
        'query Q($a: ID = "x", $b: Int) { invoice(contractId: $a, id: {a: 1, b: [1]}) { id } }',
        # Strings, block strings and comments are one token or none, whatever they hold.
        '{ invoice(id: "{ { { a: b: c: ") { id } } # { { { a: b: c:\n',
        '{ invoice(id: """ a: b: \\""" { { """) { id } }',
        # A field called `on` is a field, and `... on` is a type condition.
        "{ on on on ... on Query { id } }",
        # Different selection sets may each select the same fields.
        "{ " + " ".join(f"a{i}: invoice {{ id id }}" for i in range(MAX_REPEATS + 2)) + " }",
        "{ invoice { id } } " + "# comment\n" * 900,
        "{ a b c }",  # a few unknown fields are left to validation, which suggests names
        '{ invoice(a: {content: "' + "x" * 900 + '"}) { id } }',  # an attachment's content
    ],
)
def test_what_only_looks_costly_passes(query: str) -> None:
    limits = DocumentLimits(
        max_query_bytes=64 * 1024,
        max_tokens=1000,
        max_aliases=MAX_REPEATS + 2,
        max_depth=3,
        known_fields=LIMITS.known_fields,
    )
    check_text(query, limits)


def limited(max_depth: int) -> DocumentLimits:
    return DocumentLimits(max_depth=max_depth)


def test_fragments_are_followed_for_depth() -> None:
    query = (
        "{ invoice { ...A } } fragment A on Invoice { receivables { ...B } }"
        " fragment B on Receivable { invoice { id } }"
    )
    check_text(query, limited(3))
    with pytest.raises(DocumentRefused) as refused:
        check_text(query, limited(2))
    assert refused.value.message == "The query is nested too deeply (the limit is 2)."


def test_inline_fragments_add_no_depth_and_fragments_may_come_first() -> None:
    query = (
        "fragment A on Invoice { ... on Invoice { receivables { id } } }"
        " query { invoice { ... on Invoice { ...A } } }"
    )
    check_text(query, limited(2))
    with pytest.raises(DocumentRefused):
        check_text(query, limited(1))


def test_a_long_chain_of_fragments_is_refused_without_recursion() -> None:
    links = 5000
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(links))
    query = "{ ...F0 } " + chain + f" fragment F{links} on Query {{ __typename }}"
    with pytest.raises(DocumentRefused) as refused:
        check_text(query, limited(12))
    assert refused.value.message == "The query nests fragments too deeply (the limit is 12)."


def test_a_fragment_cycle_is_left_to_validation() -> None:
    check_text("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", limited(12))


def test_introspection_is_not_held_to_the_depth_limit() -> None:
    from graphql import get_introspection_query

    query = get_introspection_query(descriptions=True, specified_by_url=True)
    limits = DocumentLimits(max_query_bytes=32 * 1024, max_tokens=1000, max_depth=3)
    check_text(query, limits)
    # Below an ordinary field the same nesting is still refused.
    nested = "{ invoice { " + "receivables { invoice { " * 3 + "id" + " } }" * 3 + " } }"
    with pytest.raises(DocumentRefused):
        check_text(nested, limits)


def test_comment_text_is_dropped_for_the_parser_and_nothing_else_moves() -> None:
    from graphql import parse

    from gateway.document_limits import without_comment_text

    query = '{ a(x: "# not a comment", y: """ # nor this """) # a comment\n  b # another\n}'
    stripped = without_comment_text(query)
    assert stripped == '{ a(x: "# not a comment", y: """ # nor this """) #\n  b #\n}'
    original, parsed = parse(query), parse(stripped)
    assert [n.loc.start_token.line for n in original.definitions] == [1]
    fields = parsed.definitions[0].selection_set.selections  # type: ignore[attr-defined]
    originals = original.definitions[0].selection_set.selections  # type: ignore[attr-defined]
    assert [(f.loc.start_token.line, f.loc.start_token.column) for f in fields] == [
        (f.loc.start_token.line, f.loc.start_token.column) for f in originals
    ]
