"""What a document may cost, checked before graphql-core spends anything on it.

graphql-core's parser costs tens of µs of CPU per token and its validation more (figures
in bench/README.md), and a hostile document is new every time (change a comment and no
cache helps). So the limits are checked from the cheapest signal up, and a document over
any of them is refused before it is parsed:

1. its size in bytes (`max_query_bytes`), before anything else;
2. its tokens and comments, counted by one regular expression that runs in C
   (`max_tokens`);
3. in one pass over those tokens: aliases (`max_aliases`), directives (`max_directives`),
   nesting (`max_depth`) with fragments followed and fragment chains bounded (validation
   and execution recurse once per level), fields no type has, and the same field or
   fragment selected over and over in one selection set. The last one is what makes
   graphql-core's OverlappingFieldsCanBeMerged rule quadratic (990 copies of `__typename`
   cost a fifth of a second and end in a RecursionError), and no real client repeats a field
   more than a few times.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from graphql import GraphQLError

CODE = "GRAPHQL_VALIDATION_FAILED"
INPUT_TOO_LARGE = "INPUT_TOO_LARGE"
CONTENT_FIELD = "content"

# How often one response name (or one fragment) may be selected in one selection set,
# inline fragments included. Fragments that merge overlapping fields stay well below it.
MAX_REPEATS = 5
MAX_UNKNOWN_FIELDS = 3
# Longest name (field, alias, argument, fragment, variable, operation): validation errors
# quote names, so a 30 KB one would come back in the answer.
MAX_NAME_LENGTH = 128

# GraphQL's lexical grammar, reduced to what counting needs. Every position matches one
# alternative, so the scan never fails and restarts (which on a long run of trailing
# whitespace cost time exponential, then quadratic, in its length): a run of ignored text
# (whitespace, commas, the BOM, comments) is one match with no group, a token one match
# with its text in the group. Quantifiers are possessive and the ignored run atomic, so
# nothing is ever retried. Strings are matched by runs, not per character.
_STRING = r'"""(?:[^"\\]++|\\"""|\\|"(?!""))*+(?:"""|$)|"(?:[^"\\\r\n]++|\\.)*+"?'
_LEXEME = re.compile(
    r"(?>(?:[\s,\ufeff]++|#[^\r\n]*+)+)"
    r"|(" + _STRING + r"|\.\.\.|[_A-Za-z][_0-9A-Za-z]*+|-?[0-9][0-9A-Za-z.+-]*+|.)",
    re.DOTALL,
)
# A string (kept as it is) or a comment (its text dropped), for `without_comment_text`.
_STRING_OR_COMMENT = re.compile(r"(" + _STRING + r")|#[^\r\n]*+", re.DOTALL)
# Below this many characters per allowed token a text is short enough to tokenise whole at
# once (at most a few ms however it is made up); above, tokens are counted first.
_SHORT = 8
_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
_OPERATION_KEYWORDS = frozenset({"query", "mutation", "subscription", "fragment"})


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    max_query_bytes: int | None = None
    max_tokens: int | None = None
    max_aliases: int | None = None
    max_depth: int | None = None
    max_directives: int | None = None
    # Longest string literal, and the longest for an input field named `content` (an
    # attachment's Base64): graphql-core's lexer reads a string a character at a time in
    # Python, so one that the input limits refuse anyway is refused unread.
    max_string_length: int | None = None
    max_content_length: int | None = None
    # Every field name of the schema's object and interface types: a document selecting
    # more than `MAX_UNKNOWN_FIELDS` others is refused unparsed. A typo or two still goes to
    # validation, which names the field and suggests the right one.
    known_fields: frozenset[str] | None = None


class DocumentRefused(GraphQLError):
    """A document over one of the limits; its message says which, never what it held."""

    def __init__(self, message: str, *, code: str = CODE) -> None:
        super().__init__(message, extensions={"code": code})


def check_text(query: str, limits: DocumentLimits) -> int:
    """How many tokens the query has; `DocumentRefused` if its text is over a limit."""
    if limits.max_query_bytes is not None and _byte_length(query) > limits.max_query_bytes:
        raise DocumentRefused(
            f"The query is too long (the limit is {limits.max_query_bytes} bytes)."
        )
    if limits.max_tokens is not None and len(query) > _SHORT * limits.max_tokens:
        tokens = _first_tokens(query, limits.max_tokens)
    else:
        # `findall` yields '' for each ignored run; all of it runs in C.
        tokens = list(filter(None, _LEXEME.findall(query)))
    if limits.max_tokens is not None:
        _check_count(len(tokens), query, limits.max_tokens)
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


def _first_tokens(query: str, max_tokens: int) -> list[str]:
    """The tokens of a long text, refusing it as soon as it shows more than `max_tokens`: a
    hostile document costs no more to refuse than one at the limit costs to accept."""
    # Ignored runs and tokens alternate, so this many lexemes hold one token too many.
    cap = 2 * max_tokens + 3
    tokens: list[str] = []
    seen = 0
    for lexeme in itertools.islice(_LEXEME.finditer(query), cap):
        seen += 1
        if (token := lexeme.group(1)) is not None:
            tokens.append(token)
    if seen == cap:
        raise DocumentRefused(f"The query has too many tokens (the limit is {max_tokens}).")
    return tokens


def _check_count(tokens: int, query: str, max_tokens: int) -> None:
    # Comments count too, bounded from above by the `#` characters (C's count): they cost
    # the parser as tokens do, and the limit bounds what stripping them costs.
    if tokens + query.count("#") > max_tokens:
        raise DocumentRefused(f"The query has too many tokens (the limit is {max_tokens}).")


def without_comment_text(query: str) -> str:
    """`query` with each comment emptied (`#` kept), for the parser.

    graphql-core's lexer steps through a comment one character at a time in Python; a
    comment runs to the end of its line, so emptying it moves no token and
    every error location stays right.
    """
    if "#" not in query:
        return query
    return _STRING_OR_COMMENT.sub(lambda match: match.group(1) or "#", query)


@dataclass(slots=True)
class _Definition:
    """What one operation or fragment reaches: its deepest field level and its spreads."""

    depth: int = 0
    spreads: list[tuple[str, int]] = field(default_factory=list)  # (fragment, field level)


def _check_structure(tokens: list[str], limits: DocumentLimits) -> None:
    aliases = 0
    parens = 0
    # One entry per open selection set: how often each response name was selected in it,
    # and the level of its fields. An inline fragment's fields merge into its parent's, so
    # it shares its parent's counts and level.
    selections: list[dict[str, int]] = []
    levels: list[int] = []
    inline_fragment_pending = False
    field_name_follows = False
    unknown = 0
    known = limits.known_fields
    # Where introspection began (an index into `selections`): the introspection query nests
    # `ofType` deeper than any operation needs, so, as graphql-armor does, depth is not
    # counted below `__schema` and `__type` or in a fragment on an introspection type.
    introspection_from: int | None = None
    introspection_follows = False
    operations: list[_Definition] = []
    fragments: dict[str, _Definition] = {}
    current = _Definition()
    fragment_name_follows = False
    previous = ""
    before_previous = ""
    for index, token in enumerate(tokens):
        if token[0] == '"' and limits.max_string_length is not None:
            _check_string(tokens, index, limits)
        elif len(token) > MAX_NAME_LENGTH and (token[0].isalpha() or token[0] == "_"):
            raise DocumentRefused(f"A name is longer than {MAX_NAME_LENGTH} characters.")
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif parens:
            pass  # arguments, variable definitions and values: nothing counted here
        elif token == "{":
            if not selections:  # a definition's own selection set
                if not fragment_name_follows:
                    current = _Definition()
                    operations.append(current)
                fragment_name_follows = False
            if introspection_follows and introspection_from is None:
                introspection_from = len(selections)
            introspection_follows = False
            if inline_fragment_pending and selections:
                selections.append(selections[-1])
                levels.append(levels[-1])
            else:
                selections.append({})
                levels.append(levels[-1] + 1 if levels else 0)
            if introspection_from is None:
                current.depth = max(current.depth, levels[-1])
                if limits.max_depth is not None and levels[-1] > limits.max_depth:
                    raise DocumentRefused(
                        f"The query is nested too deeply (the limit is {limits.max_depth})."
                    )
            inline_fragment_pending = False
        elif token == "}":
            if selections:
                selections.pop()
                levels.pop()
            if introspection_from is not None and len(selections) <= introspection_from:
                introspection_from = None
        elif selections and (token[0].isalpha() or token[0] == "_"):
            if previous == "...":
                if token == "on":
                    inline_fragment_pending = True
                else:
                    _count(selections[-1], "..." + token)
                    if introspection_from is None:
                        current.spreads.append((token, levels[-1]))
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
        elif not selections:
            if previous == "fragment":
                # A fragment defined twice is a validation error; the first is measured.
                current = fragments.setdefault(token, _Definition())
                fragment_name_follows = True
            elif token in _OPERATION_KEYWORDS:
                inline_fragment_pending = False
            elif previous == "on" and token.startswith("__"):
                introspection_follows = True  # `fragment TypeRef on __Type {`
        before_previous, previous = previous, token
    if limits.max_depth is not None:
        _check_through_fragments(operations, fragments, limits.max_depth)


def _check_string(tokens: list[str], index: int, limits: DocumentLimits) -> None:
    token = tokens[index]
    quotes = 6 if token.startswith('"""') else 2
    limit = limits.max_string_length
    if index >= 2 and tokens[index - 1] == ":" and tokens[index - 2] == CONTENT_FIELD:
        limit = limits.max_content_length
    if limit is not None and len(token) - quotes > limit:
        raise DocumentRefused(f"A string is longer than {limit} characters.", code=INPUT_TOO_LARGE)


def _check_through_fragments(
    operations: list[_Definition], fragments: dict[str, _Definition], max_depth: int
) -> None:
    """Refuse operations whose fields nest, or whose fragment spreads chain, deeper than
    `max_depth` once fragments are followed (validation and execution recurse per level).

    Each fragment is measured once, bottom-up and without recursion, so a chain of fragments
    costs one step per link; a cycle is left to the validation rule that names it.
    """
    measured: dict[str, tuple[int, int]] = {}  # fragment -> (deepest level, longest chain)
    for name in fragments:
        stack: list[tuple[str, bool]] = [(name, False)]
        on_path: set[str] = set()
        while stack:
            current, expanded = stack.pop()
            if current in measured:
                continue
            if expanded:
                on_path.discard(current)
                measured[current] = _reach(fragments[current], measured)
                continue
            on_path.add(current)
            stack.append((current, True))
            for spread, _level in fragments[current].spreads:
                if spread in fragments and spread not in measured and spread not in on_path:
                    stack.append((spread, False))
    for operation in operations:
        depth, chain = _reach(operation, measured)
        if depth > max_depth:
            raise DocumentRefused(f"The query is nested too deeply (the limit is {max_depth}).")
        if chain > max_depth:
            raise DocumentRefused(
                f"The query nests fragments too deeply (the limit is {max_depth})."
            )


def _reach(definition: _Definition, measured: dict[str, tuple[int, int]]) -> tuple[int, int]:
    deepest, longest = definition.depth, 0
    for spread, level in definition.spreads:
        depth, chain = measured.get(spread, (0, 0))
        deepest = max(deepest, level + depth)
        longest = max(longest, chain + 1)
    return deepest, longest


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


__all__ = [
    "CODE",
    "DocumentLimits",
    "DocumentRefused",
    "check_text",
    "without_comment_text",
]
