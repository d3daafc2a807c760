// The graphql-sse client (GraphQL over Server-Sent Events) in its default "distinct
// connections" mode: each subscription is a POST of its own answered by an event stream.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createClient } from "graphql-sse";

import { createSeedInvoice } from "../apollo/support.mjs";
import {
  assertEmitted,
  config,
  deferred,
  INVOICE_EVENTS_TEXT,
  listeningFetch,
  productUi,
  reportEvent,
} from "./support.mjs";

/** The first result of a graphql-sse subscription, then disposes of it. */
function firstResult(client, variables) {
  const { promise, resolve, reject } = deferred();
  const dispose = client.subscribe(
    { query: INVOICE_EVENTS_TEXT, operationName: "InvoiceEvents", variables },
    {
      next: resolve,
      error: reject,
      complete: () => reject(new Error("the subscription completed without a result")),
    },
  );
  return promise.finally(dispose);
}

test("graphql-sse (distinct connections) subscribes and gets only the invoice it asked for", async (t) => {
  const [other, invoice] = [await createSeedInvoice(), await createSeedInvoice()];
  const { fetch, exchanges } = listeningFetch();
  const connected = deferred();
  const client = createClient({
    url: config.url,
    headers: { Authorization: config.authorization },
    fetchFn: fetch,
    retryAttempts: 0,
    // Called once the stream's headers arrived, which the gateway sends once it listens.
    on: { connected: () => connected.resolve() },
  });
  t.after(() => client.dispose());

  const result = firstResult(client, { invoiceId: invoice.id });
  await connected.promise;
  // Published first, on the same bus: a subscription not filtering by invoice would get it
  // before the one it asked for.
  await productUi(other.id, "emit");
  await productUi(invoice.id, "emit");
  const { data, errors } = await result;

  assert.equal(errors, undefined);
  assertEmitted(data.invoiceEvents, invoice);
  assert.equal(exchanges.length, 1, "one request for the one subscription");
  const [stream] = exchanges;
  assert.equal(stream.method, "POST");
  assert.equal(stream.headers.get("accept"), "text/event-stream");
  assert.equal(stream.headers.get("authorization"), config.authorization);
  assert.equal(stream.status, 200);
  assert.match(stream.contentType, /^text\/event-stream/);
  assert.deepEqual(stream.body.variables, { invoiceId: invoice.id });
  reportEvent(t, "graphql-sse", "emit", invoice);
  // No subscription of this suite asks for `other`: its event should cost no upstream read.
  const unwanted = { invoiceId: other.id, contractId: other.contractId };
  t.diagnostic(`unwanted-event ${JSON.stringify(unwanted)}`);
});

test("graphql-sse runs two subscriptions on two connections, each getting its own invoice", async (t) => {
  const invoices = [await createSeedInvoice(), await createSeedInvoice()];
  const { fetch, exchanges } = listeningFetch();
  let connections = 0;
  const bothConnected = deferred();
  const client = createClient({
    url: config.url,
    headers: { Authorization: config.authorization },
    fetchFn: fetch,
    retryAttempts: 0,
    on: { connected: () => ++connections === 2 && bothConnected.resolve() },
  });
  t.after(() => client.dispose());

  const results = invoices.map((invoice) => firstResult(client, { invoiceId: invoice.id }));
  await bothConnected.promise;
  for (const invoice of invoices) await productUi(invoice.id, "emit");
  const received = await Promise.all(results);

  received.forEach(({ data }, i) => assertEmitted(data.invoiceEvents, invoices[i]));
  assert.equal(exchanges.length, 2, "a connection per subscription");
  assert.deepEqual(
    exchanges.map((exchange) => exchange.body.variables.invoiceId),
    invoices.map((invoice) => invoice.id),
  );
  for (const invoice of invoices) {
    reportEvent(t, "graphql-sse", "emit", invoice);
  }
});
