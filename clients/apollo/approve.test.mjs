// approveInvoice returns the invoice with its id, so Apollo updates the cached Invoice itself.
import assert from "node:assert/strict";
import { test } from "node:test";

import { gql } from "@apollo/client";
import { createSeedInvoice, httpLink, isComplete, newClient, recordingFetch, watch } from "./support.mjs";

const APPROVAL = gql`
  query Approval($contractId: ID!, $id: ID!) {
    invoice(contractId: $contractId, id: $id) { id state approvalStatus }
  }
`;

const APPROVE = gql`
  mutation Approve($input: ApproveInvoiceInput!) {
    approveInvoice(input: $input) {
      invoice { id approvalStatus }
      userErrors { field message code }
    }
  }
`;

test("approveInvoice updates the cached invoice and its watchers with no refetch", async () => {
  const created = await createSeedInvoice({ approvalStatus: "BLOCKED" });
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const variables = { contractId: "3", id: created.id };

  const watcher = watch(client.watchQuery({ query: APPROVAL, variables }));
  const before = await watcher.until(isComplete);
  assert.equal(before.data.invoice.approvalStatus, "BLOCKED");

  const { data } = await client.mutate({ mutation: APPROVE, variables: { input: variables } });

  assert.deepEqual(data.approveInvoice.userErrors, []);
  assert.equal(data.approveInvoice.invoice.approvalStatus, "APPROVED");
  const seen = await watcher.until((result) => result.data?.invoice?.approvalStatus === "APPROVED");
  assert.equal(seen.data.invoice.id, created.id, "the watcher saw the change");
  watcher.stop();
  assert.equal(exchanges.length, 2, "one query and the mutation, no refetch");
  const cached = await client.query({ query: APPROVAL, variables, fetchPolicy: "cache-only" });
  assert.equal(cached.data.invoice.approvalStatus, "APPROVED");
  assert.equal(cached.data.invoice.state, before.data.invoice.state);
});
