// Apollo Client 4's plain HttpLink runs a subscription as a multipart HTTP request (Apollo's
// subscription protocol, `subscriptionSpec=1.0`): no WebSocket, no extra link. Apollo hands
// a part over only once the boundary after it arrived; tests/clients sets the heartbeat past
// this suite's timeout, so a part the gateway left open until the next heartbeat fails here.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";

import { createSeedInvoice } from "../apollo/support.mjs";
import {
  assertEmitted,
  config,
  firstEvent,
  listeningFetch,
  productUi,
  reportEvent,
} from "./support.mjs";

test("HttpLink subscribes over multipart HTTP and gets the invoice emitted in the product's UI", async (t) => {
  const invoice = await createSeedInvoice();
  assert.equal(invoice.state, "TO_EMIT");
  const { fetch, exchanges, listening } = listeningFetch();
  const client = new ApolloClient({
    link: new HttpLink({ uri: config.url, fetch, headers: { Authorization: config.authorization } }),
    cache: new InMemoryCache(),
  });

  const event = firstEvent(client, { invoiceId: invoice.id });
  const streamed = await listening;
  await productUi(invoice.id, "emit");
  const { data, error } = await event;

  assert.equal(error, undefined);
  assertEmitted(data.invoiceEvents, invoice);
  assert.equal(data.invoiceEvents.__typename, "InvoiceEvent");
  assert.equal(exchanges.length, 1, "one request carried the subscription");
  assert.equal(streamed.method, "POST");
  assert.match(streamed.headers.get("accept"), /^multipart\/mixed;.*subscriptionSpec="?1\.0"?/);
  assert.equal(streamed.status, 200);
  assert.match(streamed.contentType, /^multipart\/mixed;.*boundary="?graphql"?/);
  assert.equal(streamed.body.operationName, "InvoiceEvents");
  reportEvent(t, "multipart", "emit", invoice);
});
