// The cache set-up a front end should copy (the README quotes it).
import { InMemoryCache } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";

export const typePolicies = {
  Query: {
    fields: {
      // `invoice(contractId, id)` is the Invoice already normalised as `Invoice:<id>` (ids are
      // unique across contracts), so a read after createInvoice needs no request.
      invoice: {
        read(existing, { args, toReference }) {
          return existing ?? toReference({ __typename: "Invoice", id: args.id });
        },
      },
      // One list per organization and filter; pages fetched with `after` are appended.
      invoices: relayStylePagination(["organizationId", "filter"]),
    },
  },
};

export function createCache() {
  // The schema has no interfaces or unions, so no `possibleTypes` are needed.
  return new InMemoryCache({ typePolicies });
}
