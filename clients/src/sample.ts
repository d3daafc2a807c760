// A front-end module written against the generated types (`npm run codegen` first).
// `npm run typecheck` must accept it.
import type { ApolloClient } from "@apollo/client";

import { graphql } from "./gql";
import type { CreateInvoiceInput, InvoiceState, UserErrorCode } from "./gql/graphql";

export const CreateInvoiceDocument = graphql(`
  mutation SampleCreateInvoice($input: CreateInvoiceInput!) {
    createInvoice(input: $input) {
      invoice {
        id
        state
        grossValue
        issueDate
        createdAt
        receivables { id dueDate grossValue value }
      }
      userErrors { field message code }
    }
  }
`);

export const InvoiceDocument = graphql(`
  query SampleInvoice($contractId: ID!, $id: ID!) {
    invoice(contractId: $contractId, id: $id) { id state grossValue issueDate }
  }
`);

// The README's example input: dates and amounts are strings.
export const example: CreateInvoiceInput = {
  contractId: "3",
  description: "Consultoria de junho",
  grossValue: "1500.00",
  issueDate: "2025-06-02",
  receivables: [
    { grossValue: "500.00", dueDate: "2025-06-10" },
    { grossValue: "1000.00", dueDate: "2025-07-10" },
  ],
  services: [{ description: "Consultoria", units: "10", unitValue: "150.00", value: "1500.00" }],
  paymentInformation: { paymentMethod: "BILLET" },
};

export class InvoiceRejected extends Error {
  constructor(readonly problems: ReadonlyArray<{ field: string; code: UserErrorCode }>) {
    super(problems.map((problem) => `${problem.field}: ${problem.code}`).join("; "));
  }
}

export interface CreatedInvoice {
  id: string;
  state: InvoiceState | null;
  total: string;
  firstDueDate: string | null;
}

export async function createInvoice(
  client: ApolloClient,
  input: CreateInvoiceInput,
): Promise<CreatedInvoice> {
  const { data } = await client.mutate({ mutation: CreateInvoiceDocument, variables: { input } });
  const payload = data?.createInvoice;
  if (!payload?.invoice) {
    throw new InvoiceRejected(
      (payload?.userErrors ?? []).map((error) => ({
        field: (error.field ?? []).join("."),
        code: error.code,
      })),
    );
  }
  const { invoice } = payload;
  return {
    id: invoice.id,
    state: invoice.state ?? null,
    total: invoice.grossValue ?? "0.00",
    firstDueDate: invoice.receivables?.[0]?.dueDate ?? null,
  };
}

export async function isBilled(client: ApolloClient, contractId: string, id: string): Promise<boolean> {
  const { data } = await client.query({ query: InvoiceDocument, variables: { contractId, id } });
  const state: InvoiceState | undefined | null = data?.invoice?.state;
  return state === "TO_RECEIVE" || state === "RECEIVED";
}
