// Relay-style pagination of `invoices` with Apollo's relayStylePagination type policy.
import assert from "node:assert/strict";
import { test } from "node:test";

import { gql } from "@apollo/client";
import { config } from "./config.mjs";
import { CREATE_INVOICE } from "./documents.mjs";
import { httpLink, isComplete, newClient, recordingFetch, sentPayload, watch } from "./support.mjs";

const INVOICE_PAGE = gql`
  query InvoicePage($organizationId: ID!, $filter: InvoiceFilter, $first: Int, $after: String) {
    invoices(organizationId: $organizationId, filter: $filter, first: $first, after: $after) {
      edges { cursor node { id issueDate grossValue } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Creates `count` invoices billed in a year no other test uses; returns the filter for them. */
async function invoicesOfTheirOwnYear(client, count) {
  const year = 2100 + Math.floor(Math.random() * 800);
  const ids = [];
  for (let day = 1; day <= count; day += 1) {
    const issueDate = `${year}-03-${String(day).padStart(2, "0")}`;
    const input = {
      ...config.seedVariables.input,
      issueDate,
      receivables: [{ grossValue: "700.00", dueDate: `${year}-04-01` }],
    };
    const { data } = await client.mutate({ mutation: CREATE_INVOICE, variables: { input } });
    assert.deepEqual(data.createInvoice.userErrors, []);
    ids.push(data.createInvoice.invoice.id);
  }
  return { ids, filter: { issueDateFrom: `${year}-01-01`, issueDateTo: `${year}-12-31` } };
}

test("relayStylePagination appends each page fetched with fetchMore", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const created = await invoicesOfTheirOwnYear(client, 5);
  exchanges.length = 0;

  const observable = client.watchQuery({
    query: INVOICE_PAGE,
    variables: { organizationId: "1", filter: created.filter, first: 2 },
  });
  const watcher = watch(observable);
  const first = await watcher.until(isComplete);
  assert.equal(first.data.invoices.edges.length, 2);
  assert.equal(first.data.invoices.pageInfo.hasNextPage, true);

  const pages = [first.data.invoices];
  while (pages.at(-1).pageInfo.hasNextPage) {
    const more = await observable.fetchMore({ variables: { after: pages.at(-1).pageInfo.endCursor } });
    pages.push(more.data.invoices);
  }

  assert.deepEqual(pages.map((page) => page.edges.length), [2, 2, 1]);
  assert.equal(exchanges.length, 3);
  assert.deepEqual(
    exchanges.map((exchange) => sentPayload(exchange).variables.after ?? null),
    [null, pages[0].pageInfo.endCursor, pages[1].pageInfo.endCursor],
  );
  const merged = client.readQuery({
    query: INVOICE_PAGE,
    variables: { organizationId: "1", filter: created.filter, first: 2 },
  }).invoices;
  const pagedIds = pages.flatMap((page) => page.edges.map((edge) => edge.node.id));
  assert.deepEqual(merged.edges.map((edge) => edge.node.id), pagedIds, "pages appended in order");
  assert.deepEqual([...pagedIds].sort(), [...created.ids].sort(), "each invoice exactly once");
  assert.equal(merged.pageInfo.hasNextPage, false);
  const shown = await watcher.until((result) => result.data?.invoices.edges.length === pagedIds.length);
  assert.deepEqual(shown.data.invoices.edges.map((edge) => edge.node.id), pagedIds, "watchers see all pages");
  for (const id of created.ids) {
    assert.equal(client.cache.extract()[`Invoice:${id}`].grossValue, "700.00");
  }
  watcher.stop();
});
