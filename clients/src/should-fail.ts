// Deliberately wrong: `Decimal` is a string in the generated types, so a JS number must be
// rejected. tests/clients/test_codegen.py asserts that `tsc` fails here, with these errors.
import type { CreateInvoiceInput, InvoiceScreenQuery } from "./gql/graphql";

export const wrong: CreateInvoiceInput = {
  contractId: "3",
  description: "Amounts are exact decimal strings",
  receivables: [{ dueDate: "2025-06-10", grossValue: 700.0 }],
};

// Deliberately wrong too: `Invoice.customer` is the union `Party`, so a member's field is there
// only once `__typename` has narrowed it (an Organization selected no `cnpj`).
type Customer = NonNullable<InvoiceScreenQuery["invoices"]["edges"][number]["node"]["customer"]>;
export const cnpj = (customer: Customer): string | null => customer.cnpj;
