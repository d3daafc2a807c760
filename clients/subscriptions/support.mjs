// Helpers shared by the subscription client tests: the subscription document, fetches and
// WebSockets that tell when the gateway listens, and the product's side of an event (the
// sandbox's simulated UI, whose signed webhook reaches the gateway).
import assert from "node:assert/strict";

import { gql } from "@apollo/client";
import WebSocket from "ws";

import { config } from "../apollo/config.mjs";

export { config };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through tests/clients (pytest)`);
  return value;
}

/** The sandbox's root, where its simulated product UI is (`POST /sandbox/invoices/...`). */
export const sandboxUrl = required("SANDBOX_URL");

export const wsUrl = config.url.replace(/^http/, "ws");

export const INVOICE_EVENTS = gql`
  subscription InvoiceEvents($contractId: ID, $invoiceId: ID) {
    invoiceEvents(contractId: $contractId, invoiceId: $invoiceId) {
      id
      event
      eventName
      invoiceId
      contractId
      receivedAt
      invoice { id contractId state description }
    }
  }
`;

/** The same document as text, for the clients that are not Apollo's. */
export const INVOICE_EVENTS_TEXT = INVOICE_EVENTS.loc.source.body;

/**
 * Does in the product's UI what has no REST call (`emit`, `cancel`...): the sandbox changes
 * the invoice and sends the gateway the product's signed webhook for it.
 */
export async function productUi(invoiceId, action) {
  const response = await fetch(`${sandboxUrl}/sandbox/invoices/${invoiceId}/${action}`, {
    method: "POST",
    headers: { Authorization: config.authorization },
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${action} of invoice ${invoiceId}: ${text}`);
  return JSON.parse(text).invoice;
}

/**
 * A `fetch` that records each request and, since the gateway sends a subscription's response
 * headers only once the subscription listens to the event bus, resolves `listening` when the
 * first streamed answer (multipart or event stream) has its headers. It never reads a body:
 * the client under test does.
 */
export function listeningFetch() {
  const exchanges = [];
  let heard;
  const listening = new Promise((resolve) => {
    heard = resolve;
  });
  async function fetchAndRecord(input, init = {}) {
    const exchange = {
      method: (init.method ?? "GET").toUpperCase(),
      url: String(typeof input === "string" || input instanceof URL ? input : input.url),
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? JSON.parse(init.body) : init.body,
    };
    exchanges.push(exchange);
    const response = await fetch(input, init);
    exchange.status = response.status;
    exchange.contentType = response.headers.get("content-type") ?? "";
    if (/^(multipart\/mixed|text\/event-stream)/.test(exchange.contentType)) heard(exchange);
    return response;
  }
  return { fetch: fetchAndRecord, exchanges, listening };
}

/**
 * A WebSocket (the `ws` package: Node 20 has none of its own) that keeps the frames it sent
 * and tells when the first `subscribe` went out, so the test can send its own `ping` after it:
 * the gateway answers that ping only once every subscription started before it listens.
 * `headers` are sent with the upgrade request (Node can, a browser cannot).
 */
export function recordingWebSocket({ headers } = {}) {
  const sockets = [];
  let subscribed;
  const subscribeSent = new Promise((resolve) => {
    subscribed = resolve;
  });
  class RecordingWebSocket extends WebSocket {
    // graphql-ws passes the URL and its subprotocol; `headers` go on the upgrade request.
    constructor(url, protocols) {
      super(url, protocols, headers ? { headers } : undefined);
      this.sent = [];
      sockets.push(this);
    }

    send(data, ...rest) {
      super.send(data, ...rest);
      const message = JSON.parse(data);
      this.sent.push(message);
      if (message.type === "subscribe") subscribed(this);
    }
  }
  return { WebSocket: RecordingWebSocket, sockets, subscribeSent };
}

/** A promise, and the functions that settle it. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** The first value of an Observable (Apollo's `client.subscribe`), then unsubscribes. */
export function firstValue(observable) {
  const { promise, resolve, reject } = deferred();
  const subscription = observable.subscribe({
    next: resolve,
    error: reject,
    complete: () => reject(new Error("the subscription completed without a value")),
  });
  return promise.finally(() => subscription.unsubscribe());
}

/** The first `invoiceEvents` result an Apollo client gets for these variables. */
export function firstEvent(client, variables) {
  return firstValue(client.subscribe({ query: INVOICE_EVENTS, variables }));
}

/**
 * Tells tests/clients that `invoice` got an event over `transport` after `action` changed it,
 * so that it checks what the upstream received: the invoice read after the change, with the
 * subscriber's credentials.
 */
export function reportEvent(t, transport, action, invoice) {
  const fields = { transport, action, invoiceId: invoice.id, contractId: invoice.contractId };
  t.diagnostic(`subscription-event ${JSON.stringify(fields)}`);
}

/** An `invoiceEvents` result for `invoice` after it was emitted, as every transport gives it. */
export function assertEmitted(event, invoice) {
  assert.equal(event.event, "EMIT");
  assert.equal(event.eventName, "emit");
  assert.equal(event.invoiceId, invoice.id);
  assert.equal(event.contractId, invoice.contractId);
  assert.match(event.id, /\S/, "the delivery's id, the same for each of its retries");
  const receivedAt = Date.parse(event.receivedAt);
  assert.ok(Math.abs(Date.now() - receivedAt) < 10 * 60 * 1000, event.receivedAt);
  // Read fresh after the change: emitting made it one to receive.
  assert.equal(event.invoice.id, invoice.id);
  assert.equal(event.invoice.state, "TO_RECEIVE");
}
