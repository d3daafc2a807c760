// Deliberately wrong: `Decimal` is a string in the generated types, so a JS number must be
// rejected. tests/clients/test_codegen.py asserts that `tsc` fails here, with this error.
import type { CreateInvoiceInput } from "./gql/graphql";

export const wrong: CreateInvoiceInput = {
  contractId: "3",
  description: "Amounts are exact decimal strings",
  receivables: [{ dueDate: "2025-06-10", grossValue: 700.0 }],
};
