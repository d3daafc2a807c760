"""What a document may cost, checked before graphql-core spends anything on it.

graphql-core's parser costs about 15-20 µs of CPU per token and its validation more, and a
hostile document is new every time (change a comment and no cache helps). So the limits are
checked from the cheapest signal up, and a document over any of them is refused before it is
parsed:

1. its size in bytes (`max_query_bytes`), before anything else;
2. its tokens, counted by one regular expression that runs in C (`max_tokens`);
3. in one pass over those tokens: aliases (`max_aliases`), directives (`max_directives`),
   selection nesting (`max_depth`),
   and the same field or fragment selected over and over in one selection set. The last one
   is what makes graphql-core's OverlappingFieldsCanBeMerged rule quadratic (990 copies of
   `__typename` cost 190 ms and end in a RecursionError), and no real client repeats a field
   more than a few times.

After parsing, `fragment_depth_problem` bounds how deeply fragment spreads nest, which the
text alone cannot tell; validation rules and execution recurse once per level.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

CODE = "GRAPHQL_VALIDATION_FAILED"

# How often one response name (or one fragment) may be selected in one selection set,
# inline fragments included. Fragments that merge overlapping fields stay well below it.
MAX_REPEATS = 5
MAX_UNKNOWN_FIELDS = 3

# GraphQL's lexical grammar, reduced to what counting needs: each match is one token, with
# the ignored text before it (whitespace, commas, the BOM, comments) skipped in the same
# match, so counting runs entirely in C. Strings are matched by runs, not per character.
_TOKEN = (
    r"(?:[\s,\ufeff]+|#[^\r\n]*)*"
    r'(?:"""(?:[^"\\]+|\\"""|\\|"(?!""))*(?:"""|$)'
    r'|"(?:[^"\\\r\n]+|\\.)*"?'
    r"|\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?[0-9][0-9A-Za-z.+-]*|[^\s,\ufeff#])"
)
_TOKENS = re.compile(_TOKEN, re.DOTALL)
# The same, capturing each token's text for the structural pass.
_TOKEN_TEXT = re.compile(_TOKEN.replace("*(?:", "*((?:", 1) + ")", re.DOTALL)
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_OPERATION_KEYWORDS = frozenset({"query", "mutation", "subscription", "fragment"})


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    max_query_bytes: int | None = None
    max_tokens: int | None = None
    max_aliases: int | None = None
    max_depth: int | None = None
    max_directives: int | None = None
    # Every field name of the schema's object and interface types: a document selecting
    # more than `MAX_UNKNOWN_FIELDS` others is refused unparsed. A typo or two still goes to
    # validation, which names the field and suggests the right one.
    known_fields: frozenset[str] | None = None


class DocumentRefused(GraphQLError):
    """A document over one of the limits; its message says which, never what it held."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": CODE})


def check_text(query: str, limits: DocumentLimits) -> int:
    """How many tokens the query has; `DocumentRefused` if its text is over a limit."""
    if limits.max_query_bytes is not None and _byte_length(query) > limits.max_query_bytes:
        raise DocumentRefused(
            f"The query is too long (the limit is {limits.max_query_bytes} bytes)."
        )
    if limits.max_tokens is not None:
        # Counting stops one past the limit, so a hostile document costs no more to refuse
        # than one at the limit costs to accept.
        counted = sum(1 for _ in itertools.islice(_TOKENS.finditer(query), limits.max_tokens + 1))
        if counted > limits.max_tokens:
            raise DocumentRefused(
                f"The query has too many tokens (the limit is {limits.max_tokens})."
            )
    tokens = _TOKEN_TEXT.findall(query)
    if limits.max_directives is not None and tokens.count("@") > limits.max_directives:
        raise DocumentRefused(
            f"The query has too many directives (the limit is {limits.max_directives})."
        )
    _check_structure(tokens, limits)
    return len(tokens)


def _byte_length(query: str) -> int:
    if query.isascii():  # the common case, checked in C without a copy
        return len(query)
    return len(query.encode("utf-8", "surrogatepass"))


def _check_structure(tokens: list[str], limits: DocumentLimits) -> None:
    aliases = 0
    parens = 0
    # One entry per open selection set: how often each response name was selected in it.
    # An inline fragment's fields merge into its parent's, so it shares its parent's entry.
    selections: list[dict[str, int]] = []
    inline_fragment_pending = False
    field_name_follows = False
    unknown = 0
    known = limits.known_fields
    max_nesting = None if limits.max_depth is None else limits.max_depth + 1
    # Where introspection began (an index into `selections`): the introspection query nests
    # `ofType` deeper than any operation needs, so, as graphql-armor does, depth is not
    # counted below `__schema` and `__type` or in a fragment on an introspection type.
    introspection_from: int | None = None
    introspection_follows = False
    previous = ""
    before_previous = ""
    for index, token in enumerate(tokens):
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif parens:
            pass  # arguments, variable definitions and values: nothing counted here
        elif token == "{":
            if introspection_follows and introspection_from is None:
                introspection_from = len(selections)
            introspection_follows = False
            if inline_fragment_pending and selections:
                selections.append(selections[-1])
            else:
                selections.append({})
                if (
                    max_nesting is not None
                    and introspection_from is None
                    and len(selections) > max_nesting
                ):
                    raise DocumentRefused(
                        f"The query is nested too deeply (the limit is {limits.max_depth})."
                    )
            inline_fragment_pending = False
        elif token == "}":
            if selections:
                selections.pop()
            if introspection_from is not None and len(selections) <= introspection_from:
                introspection_from = None
        elif selections and (token[0].isalpha() or token[0] == "_"):
            if previous == "...":
                if token == "on":
                    inline_fragment_pending = True
                else:
                    _count(selections[-1], "..." + token)
            elif previous == "on" and before_previous == "...":
                pass  # an inline fragment's type condition
            elif previous == "@":
                pass  # a directive
            elif field_name_follows:  # the field an alias names
                field_name_follows = False
                unknown += _unknown(token, known)
                introspection_follows = token in _INTROSPECTION_FIELDS
            elif index + 1 < len(tokens) and tokens[index + 1] == ":":  # an alias
                aliases += 1
                if limits.max_aliases is not None and aliases > limits.max_aliases:
                    raise DocumentRefused(
                        f"The query has too many aliases (the limit is {limits.max_aliases})."
                    )
                _count(selections[-1], token)
                field_name_follows = True
            else:
                _count(selections[-1], token)
                unknown += _unknown(token, known)
                introspection_follows = token in _INTROSPECTION_FIELDS
            if unknown > MAX_UNKNOWN_FIELDS:
                raise DocumentRefused(
                    f"The query selects more than {MAX_UNKNOWN_FIELDS} fields that no type "
                    "of this schema has."
                )
        elif token == "..." and index + 1 < len(tokens) and tokens[index + 1] in ("{", "@"):
            inline_fragment_pending = True
        elif not selections and token in _OPERATION_KEYWORDS:
            inline_fragment_pending = False
        elif not selections and previous == "on" and token.startswith("__"):
            introspection_follows = True  # `fragment TypeRef on __Type {`
        before_previous, previous = previous, token


def _unknown(field: str, known: frozenset[str] | None) -> int:
    return 0 if known is None or field in known else 1


def _count(selected: dict[str, int], name: str) -> None:
    times = selected.get(name, 0) + 1
    if times > MAX_REPEATS:
        raise DocumentRefused(
            f"The query selects the same field or fragment more than {MAX_REPEATS} times "
            "in one selection set."
        )
    selected[name] = times


def fragment_depth_problem(document: DocumentNode, max_depth: int) -> str | None:
    """Whether fragments nest (or selections nest through fragments) deeper than allowed.

    Computed without recursion, each fragment once, so a chain of fragments costs one step
    per link; a cycle is left to the validation rule that names it.
    """
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    depths: dict[str, tuple[int, int]] = {}  # fragment -> (selection depth, spread chain)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            depth, chain = _measure(definition.selection_set, fragments, depths)
            if depth > max_depth:
                return f"The query is nested too deeply (the limit is {max_depth})."
            if chain > max_depth:
                return f"The query nests fragments too deeply (the limit is {max_depth})."
    return None


def _measure(
    root: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    depths: dict[str, tuple[int, int]],
) -> tuple[int, int]:
    """(deepest field level, longest spread chain) below `root`, fragments followed."""
    # Post-order over fragments without recursion: every fragment this selection reaches is
    # measured before the selection itself.
    on_path: set[str] = set()
    pending = [name for name in _spreads(root) if name in fragments and name not in depths]
    stack: list[tuple[str, bool]] = [(name, False) for name in pending]
    while stack:
        name, expanded = stack.pop()
        if name in depths:
            continue
        if expanded:
            on_path.discard(name)
            depths[name] = _local(fragments[name].selection_set, depths)
            continue
        on_path.add(name)
        stack.append((name, True))
        for child in _spreads(fragments[name].selection_set):
            if child in fragments and child not in depths and child not in on_path:
                stack.append((child, False))
    return _local(root, depths)


def _spreads(root: SelectionSetNode) -> list[str]:
    names: list[str] = []
    stack = [root]
    while stack:
        selection_set = stack.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, (FieldNode, InlineFragmentNode)) and (
                selection.selection_set is not None
            ):
                stack.append(selection.selection_set)
    return names


def _local(root: SelectionSetNode, depths: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Depth below `root` given the depths of the fragments it spreads (unknown ones: 0)."""
    deepest = 0
    longest_chain = 0
    stack: list[tuple[SelectionSetNode, int]] = [(root, 0)]
    while stack:
        selection_set, level = stack.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                depth, chain = depths.get(selection.name.value, (0, 0))
                deepest = max(deepest, level + depth)
                longest_chain = max(longest_chain, chain + 1)
            elif isinstance(selection, FieldNode):
                deepest = max(deepest, level)
                # Introspection is not counted, as in the text (see `_check_structure`).
                if (
                    selection.selection_set is not None
                    and selection.name.value not in _INTROSPECTION_FIELDS
                ):
                    stack.append((selection.selection_set, level + 1))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, level))
    return deepest, longest_chain


__all__ = [
    "CODE",
    "DocumentLimits",
    "DocumentRefused",
    "check_text",
    "fragment_depth_problem",
]
