// A cached invoice list kept current by a subscription: the event selects the invoice's `id`
// and `state`, Apollo's normalised cache (the front end's, clients/apollo/cache.mjs) merges it
// into `Invoice:<id>`, and the watched list shows the new state without being fetched again.
//
// tests/clients/test_subscription_clients.py reads this file's `invoice-list` diagnostic and
// checks that the list's upstream search was sent once, under the list query's X-Request-Id.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApolloClient, gql, HttpLink } from "@apollo/client";

import { createCache } from "../apollo/cache.mjs";
import { createSeedInvoice, isComplete, uniqueSuffix, watch } from "../apollo/support.mjs";
import { config, firstEvent, listeningFetch, productUi, reportEvent } from "./support.mjs";

// The sandbox's default data set: contract 3 is organization 1's.
const ORGANIZATION_ID = "1";

const INVOICE_LIST = gql`
  query InvoiceList($organizationId: ID!, $filter: InvoiceFilter, $first: Int) {
    invoices(organizationId: $organizationId, filter: $filter, first: $first) {
      edges { node { id state description } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const rows = (result) => result.data.invoices.edges.map(({ node }) => [node.id, node.state]);

test("an event's invoice updates the watched, cached list with no refetch", async (t) => {
  // Invoices in a year no other test bills in, so the list holds exactly these.
  const year = 2800 + Math.floor(Math.random() * 100);
  const dated = (day) => ({
    issueDate: `${year}-05-0${day}`,
    receivables: [{ grossValue: "700.00", dueDate: `${year}-06-0${day}` }],
  });
  const emitted = await createSeedInvoice(dated(1));
  const untouched = await createSeedInvoice(dated(2));
  const { fetch, exchanges, listening } = listeningFetch();
  const client = new ApolloClient({
    link: new HttpLink({ uri: config.url, fetch, headers: { Authorization: config.authorization } }),
    cache: createCache(),
  });
  const requestId = `subscription-list-${uniqueSuffix()}`;

  const list = watch(
    client.watchQuery({
      query: INVOICE_LIST,
      variables: {
        organizationId: ORGANIZATION_ID,
        filter: {
          contractId: emitted.contractId,
          issueDateFrom: `${year}-01-01`,
          issueDateTo: `${year}-12-31`,
        },
        first: 20,
      },
      context: { headers: { "X-Request-Id": requestId } },
    }),
  );
  t.after(() => list.stop());
  const before = await list.until(isComplete);
  assert.deepEqual(rows(before), [
    [emitted.id, "TO_EMIT"],
    [untouched.id, "TO_EMIT"],
  ]);

  const event = firstEvent(client, { invoiceId: emitted.id });
  await listening;
  await productUi(emitted.id, "emit");
  const changed = (result) => isComplete(result) && rows(result)[0][1] === "TO_RECEIVE";
  const [{ data }, after] = await Promise.all([event, list.until(changed)]);

  assert.equal(data.invoiceEvents.invoice.state, "TO_RECEIVE");
  assert.deepEqual(rows(after), [
    [emitted.id, "TO_RECEIVE"],
    [untouched.id, "TO_EMIT"],
  ]);
  assert.equal(after.loading, false);
  assert.equal(client.cache.extract()[`Invoice:${emitted.id}`].state, "TO_RECEIVE");
  const operations = exchanges.map((exchange) => exchange.body.operationName);
  assert.deepEqual(operations, ["InvoiceList", "InvoiceEvents"], "the list was fetched once");
  const listed = { requestId, organizationId: ORGANIZATION_ID, invoiceId: emitted.id };
  t.diagnostic(`invoice-list ${JSON.stringify(listed)}`);
  reportEvent(t, "multipart", "emit", emitted);
});
