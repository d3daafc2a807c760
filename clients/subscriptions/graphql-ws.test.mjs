// Apollo Client 4 over a WebSocket: GraphQLWsLink with the graphql-ws client
// (`graphql-transport-ws`), credentials in `connection_init`, as a front end would set it up.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApolloClient, gql, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";

import { createSeedInvoice, httpLink, newClient, recordingFetch } from "../apollo/support.mjs";
import {
  assertEmitted,
  config,
  deferred,
  firstEvent,
  productUi,
  recordingWebSocket,
  reportEvent,
  wsUrl,
} from "./support.mjs";

const UPDATE_INVOICE = gql`
  mutation UpdateInvoice($input: UpdateInvoiceInput!) {
    updateInvoice(input: $input) {
      invoice { id description }
      userErrors { field message code }
    }
  }
`;

/**
 * An Apollo client on a graphql-ws client whose socket the test can see and ping through;
 * its credentials in `connection_init` or, `inUpgrade`, in the upgrade request's headers.
 */
function wsClient({ inUpgrade = false } = {}) {
  const credentials = { Authorization: config.authorization };
  const { WebSocket, sockets, subscribeSent } = recordingWebSocket(
    inUpgrade ? { headers: credentials } : {},
  );
  const pong = deferred();
  const wsClient = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    ...(inUpgrade ? {} : { connectionParams: credentials }),
    // A pong `received` from the gateway, not one this client sent in answer to its ping.
    on: { pong: (received) => received && pong.resolve() },
  });
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient), cache: new InMemoryCache() });
  /** Resolves once the gateway listens for the subscription already sent (its pong). */
  async function listening() {
    const socket = await subscribeSent;
    socket.send(JSON.stringify({ type: "ping" }));
    await pong.promise;
    return socket;
  }
  return { client, wsClient, sockets, listening };
}

test("GraphQLWsLink subscribes with connection_init's credentials and gets the emitted invoice", async (t) => {
  const invoice = await createSeedInvoice();
  const { client, wsClient: ws, sockets, listening } = wsClient();
  t.after(() => ws.dispose());

  const event = firstEvent(client, { contractId: invoice.contractId, invoiceId: invoice.id });
  const socket = await listening();
  await productUi(invoice.id, "emit");
  const { data, error } = await event;

  assert.equal(error, undefined);
  assertEmitted(data.invoiceEvents, invoice);
  assert.equal(sockets.length, 1, "one connection");
  assert.equal(socket.protocol, "graphql-transport-ws");
  assert.deepEqual(socket.sent[0], {
    type: "connection_init",
    payload: { Authorization: config.authorization },
  });
  const subscribe = socket.sent.find((message) => message.type === "subscribe");
  assert.equal(subscribe.payload.operationName, "InvoiceEvents");
  assert.deepEqual(subscribe.payload.variables, {
    contractId: invoice.contractId,
    invoiceId: invoice.id,
  });
  reportEvent(t, "graphql-ws", "emit", invoice);
});

test("an invoice changed through the gateway arrives over the WebSocket as UPDATE, read after the change", async (t) => {
  const invoice = await createSeedInvoice();
  const { client, wsClient: ws, listening } = wsClient();
  t.after(() => ws.dispose());
  const description = `changed over graphql-ws ${Date.now()}`;

  const event = firstEvent(client, { invoiceId: invoice.id });
  await listening();
  const writer = newClient(httpLink(recordingFetch().fetch));
  const { data: changed } = await writer.mutate({
    mutation: UPDATE_INVOICE,
    variables: { input: { contractId: invoice.contractId, id: invoice.id, description } },
  });
  assert.deepEqual(changed.updateInvoice.userErrors, []);
  const { data, error } = await event;

  assert.equal(error, undefined);
  const received = data.invoiceEvents;
  assert.deepEqual(
    [received.event, received.eventName, received.invoiceId, received.contractId],
    ["UPDATE", "update", invoice.id, invoice.contractId],
  );
  assert.equal(received.invoice.description, description, "the invoice as it is after the change");
  assert.equal(received.invoice.state, "TO_EMIT");
  reportEvent(t, "graphql-ws", "update", invoice);
});

test("a Node client's credentials may instead go in the upgrade request's Authorization header", async (t) => {
  const invoice = await createSeedInvoice();
  const { client, wsClient: ws, listening } = wsClient({ inUpgrade: true });
  t.after(() => ws.dispose());

  const event = firstEvent(client, { invoiceId: invoice.id });
  const socket = await listening();
  await productUi(invoice.id, "emit");
  const { data, error } = await event;

  assert.equal(error, undefined);
  assertEmitted(data.invoiceEvents, invoice);
  assert.deepEqual(socket.sent[0], { type: "connection_init" }, "no credentials in the payload");
  reportEvent(t, "graphql-ws", "emit", invoice);
});
