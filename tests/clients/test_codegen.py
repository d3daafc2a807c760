"""GraphQL Code Generator (client preset, fragment-matcher) from schema.graphql and from the
live gateway, and `tsc` over front-end modules that use the generated types."""

from __future__ import annotations

import json
import re
import shutil

from tests.clients.support import CLIENTS, ROOT, Stack, run, run_ok

GENERATED = ("src/gql", "src/gql-live")
# What Apollo Client's cache needs: `new InMemoryCache({ possibleTypes })`.
PARTY = {"possibleTypes": {"Party": ["Company", "Organization", "Person"]}}


def schema_unions() -> dict[str, list[str]]:
    """Each union of the committed schema.graphql with its members, sorted."""
    schema = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    return {
        name: sorted(member.strip() for member in members.split("|"))
        for name, members in re.findall(r"^union (\w+) = (.+)$", schema, re.MULTILINE)
    }


def generated_files(directory: str) -> dict[str, str]:
    root = CLIENTS / directory
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_codegen_types_check_the_sample_and_reject_a_type_error(stack: Stack) -> None:
    for directory in GENERATED:
        shutil.rmtree(CLIENTS / directory, ignore_errors=True)

    run_ok(["graphql-codegen", "--config", "codegen.ts"], env={**stack.env(), "CI": "true"})

    from_file, from_gateway = (generated_files(directory) for directory in GENERATED)
    assert set(from_file) == {
        "fragment-masking.ts",
        "gql.ts",
        "graphql.ts",
        "index.ts",
        "persisted-documents.json",  # the trusted-documents manifest (test_trusted_documents)
        "possible-types.json",  # the unions' members (fragment-matcher) for Apollo's cache
    }
    assert from_file == from_gateway, "types from schema.graphql and from introspection differ"
    # Every union of the schema, with all its members: today only Party.
    possible_types = json.loads(from_file["possible-types.json"])
    assert possible_types == {"possibleTypes": schema_unions()}
    assert possible_types == PARTY
    # The Apollo suite's cache and the typed screen both take them from the generated file.
    import_line = 'import generated from "{}" with {{ type: "json" }};'
    assert import_line.format("../src/gql/possible-types.json") in cache_module()
    assert "export const possibleTypes = generated.possibleTypes;" in cache_module()
    assert "new InMemoryCache({ possibleTypes, typePolicies })" in cache_module()
    assert import_line.format("./gql/possible-types.json") in screen_module()
    types = from_file["graphql.ts"]
    # Date, DateTime and Decimal fields are strings in the operation types, never `any`.
    created = re.search(r"^export type SampleCreateInvoiceMutation = (.*);$", types, re.MULTILINE)
    assert created, types
    for field in ("grossValue", "issueDate", "createdAt", "dueDate"):
        assert f"{field}: string | null" in created.group(1), (field, created.group(1))
    assert "any" not in re.findall(r"\w+", created.group(1)), created.group(1)
    # `Invoice.customer: Party` is a union of one member type per `... on` (the members the
    # query selected no field of keep only `__typename`), so a row must narrow it.
    screen = re.search(
        r"^export type InvoiceScreenQuery = (.*?);$", types, re.MULTILINE | re.DOTALL
    )
    assert screen, types
    customer = re.search(r"customer:\s*((?:\|\s*\{[^}]*\}\s*)+)\|\s*null", screen.group(1))
    assert customer, screen.group(1)
    assert re.findall(r"\{[^}]*\}", customer.group(1)) == [
        "{ __typename: 'Company', id: string, name: string | null, cnpj: string | null }",
        "{ __typename: 'Organization' }",
        "{ __typename: 'Person', id: string, name: string | null, cpf: string | null }",
    ], customer.group(1)

    # sample.ts and screen.ts (the union narrowed in an exhaustive switch) type-check.
    run_ok(["tsc", "--noEmit", "-p", "tsconfig.json"])

    rejected = run(["tsc", "--noEmit", "-p", "tsconfig.should-fail.json"])
    assert rejected.returncode != 0, rejected.report()
    errors = re.findall(r"^(\S+)\((\d+),\d+\): error (TS\d+): (.*)$", rejected.output, re.MULTILINE)
    assert errors == [
        (
            "src/should-fail.ts",
            "8",
            "TS2322",
            "Type 'number' is not assignable to type 'string'.",
        ),
        (
            "src/should-fail.ts",
            "14",
            "TS2339",
            "Property 'cnpj' does not exist on type 'Customer'.",
        ),
    ], rejected.report()
    assert "Property 'cnpj' does not exist on type '{ __typename: \"Organization\"; }'." in (
        rejected.output
    ), rejected.report()


def cache_module() -> str:
    return (CLIENTS / "apollo" / "cache.mjs").read_text(encoding="utf-8")


def screen_module() -> str:
    return (CLIENTS / "src" / "screen.ts").read_text(encoding="utf-8")
