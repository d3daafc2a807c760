// A front-end screen over the union `Party = Company | Person | Organization`, written against
// the generated types (`npm run codegen` first); `npm run typecheck` must accept it.
import { InMemoryCache } from "@apollo/client";
import type { ApolloClient } from "@apollo/client";

import { graphql } from "./gql";
import type { InvoiceFilter, InvoiceScreenQuery } from "./gql/graphql";
import generated from "./gql/possible-types.json" with { type: "json" };

// Apollo's cache needs the union's members to match a fragment on `Party`.
export const possibleTypes: Record<string, string[]> = generated.possibleTypes;

export function createCache(): InMemoryCache {
  return new InMemoryCache({ possibleTypes });
}

export const InvoiceScreenDocument = graphql(`
  query InvoiceScreen($organizationId: ID!, $filter: InvoiceFilter, $first: Int) {
    invoices(organizationId: $organizationId, filter: $filter, first: $first) {
      edges {
        node {
          id
          issueDate
          grossValue
          contract { id name }
          customer {
            ... on Company { id name cnpj }
            ... on Person { id name cpf }
          }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

type Invoice = InvoiceScreenQuery["invoices"]["edges"][number]["node"];
export type Customer = NonNullable<Invoice["customer"]>;

/** The name a row shows, by the member of the union the customer is. */
export function customerLabel(customer: Customer): string {
  switch (customer.__typename) {
    case "Company":
      return customer.name ?? customer.cnpj ?? `Company ${customer.id}`;
    case "Person":
      return customer.name ?? customer.cpf ?? `Person ${customer.id}`;
    case "Organization":
      // Selected with no field: a purchase's customer, which this screen does not show.
      return "";
    default: {
      const unexpected: never = customer;
      return unexpected;
    }
  }
}

export interface InvoiceRow {
  id: string;
  issueDate: string | null;
  total: string | null;
  contract: string;
  customer: string;
}

export async function invoiceScreen(
  client: ApolloClient,
  organizationId: string,
  filter: InvoiceFilter,
): Promise<InvoiceRow[]> {
  const { data } = await client.query({
    query: InvoiceScreenDocument,
    variables: { organizationId, filter, first: 50 },
  });
  return (data?.invoices.edges ?? []).map(({ node }) => ({
    id: node.id,
    issueDate: node.issueDate ?? null,
    total: node.grossValue ?? null,
    contract: node.contract?.name ?? "",
    customer: node.customer ? customerLabel(node.customer) : "",
  }));
}
