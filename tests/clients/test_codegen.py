"""GraphQL Code Generator (client preset) from schema.graphql and from the live gateway,
and `tsc` over a front-end module that uses the generated types."""

from __future__ import annotations

import re
import shutil

from tests.clients.support import CLIENTS, Stack, run, run_ok

GENERATED = ("src/gql", "src/gql-live")


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
    }
    assert from_file == from_gateway, "types from schema.graphql and from introspection differ"
    types = from_file["graphql.ts"]
    # Date, DateTime and Decimal fields are strings in the operation types, never `any`.
    created = re.search(r"^export type SampleCreateInvoiceMutation = (.*);$", types, re.MULTILINE)
    assert created, types
    for field in ("grossValue", "issueDate", "createdAt", "dueDate"):
        assert f"{field}: string | null" in created.group(1), (field, created.group(1))
    assert "any" not in re.findall(r"\w+", created.group(1)), created.group(1)

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
        )
    ], rejected.report()
