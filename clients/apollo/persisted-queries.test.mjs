// Automatic persisted queries with Apollo's PersistedQueryLink and its default settings.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

import { config } from "./config.mjs";
import { CREATE_INVOICE } from "./documents.mjs";
import {
  createSeedInvoice,
  errorCodes,
  httpLink,
  newClient,
  receivedPayload,
  recordingFetch,
  sentPayload,
  uniqueSuffix,
} from "./support.mjs";

const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** A query no earlier run has persisted: its operation name is new. */
function freshQuery() {
  return gql(`
    query InvoiceApq${uniqueSuffix()}($contractId: ID!, $id: ID!) {
      invoice(contractId: $contractId, id: $id) { id grossValue state }
    }
  `);
}

function apqClient(fetch, options = {}) {
  return newClient(new PersistedQueryLink({ sha256, ...options }).concat(httpLink(fetch)));
}

function assertHashOnly(exchange) {
  const payload = sentPayload(exchange);
  assert.equal(payload.query, undefined, "no query text was sent");
  assert.equal(payload.extensions.persistedQuery.version, 1);
  assert.match(payload.extensions.persistedQuery.sha256Hash, /^[0-9a-f]{64}$/);
  return payload.extensions.persistedQuery.sha256Hash;
}

function assertNotFound(exchange) {
  const body = receivedPayload(exchange);
  assert.deepEqual(body.errors, [
    { message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } },
  ]);
}

test("default settings: hash only, PersistedQueryNotFound, retry with the query, then hash only", async () => {
  const invoice = await createSeedInvoice();
  const query = freshQuery();
  const variables = { contractId: "3", id: invoice.id };

  const first = recordingFetch();
  const result = await apqClient(first.fetch).query({ query, variables });
  assert.equal(result.data.invoice.grossValue, "700.00");
  assert.equal(first.exchanges.length, 2);
  const [miss, retry] = first.exchanges;
  assert.equal(miss.method, "POST");
  const hash = assertHashOnly(miss);
  assertNotFound(miss);
  const retried = sentPayload(retry);
  assert.equal(retry.method, "POST");
  assert.equal(sha256(retried.query), hash, "the hash is the query's sha256");
  assert.equal(retried.extensions.persistedQuery.sha256Hash, hash);
  assert.equal(retry.status, 200);

  // A new client (empty cache, new link) sends the hash alone and is served from the store.
  const second = recordingFetch();
  const again = await apqClient(second.fetch).query({ query, variables });
  assert.deepEqual(again.data, result.data);
  assert.equal(second.exchanges.length, 1);
  assert.equal(assertHashOnly(second.exchanges[0]), hash);
  assert.equal(second.exchanges[0].status, 200);
});

test("useGETForHashedQueries: hash-only queries go as GET and are served from the store", async () => {
  const invoice = await createSeedInvoice();
  const query = freshQuery();
  const variables = { contractId: "3", id: invoice.id };

  const first = recordingFetch();
  await apqClient(first.fetch, { useGETForHashedQueries: true }).query({ query, variables });
  assert.deepEqual(first.exchanges.map((e) => e.method), ["GET", "POST"]);
  assertHashOnly(first.exchanges[0]);
  assertNotFound(first.exchanges[0]);

  const second = recordingFetch();
  const result = await apqClient(second.fetch, { useGETForHashedQueries: true }).query({ query, variables });
  assert.equal(second.exchanges.length, 1);
  const [get] = second.exchanges;
  assert.equal(get.method, "GET");
  assert.equal(get.url.searchParams.has("query"), false);
  assertHashOnly(get);
  assert.equal(get.status, 200);
  assert.equal(result.data.invoice.id, invoice.id);
  assert.equal(result.data.invoice.grossValue, "700.00");
});

test("useGETForHashedQueries still sends mutations with POST", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = apqClient(fetch, { useGETForHashedQueries: true });

  const { data } = await client.mutate({ mutation: CREATE_INVOICE, variables: config.seedVariables });

  assert.equal(data.createInvoice.invoice.grossValue, "700.00");
  assert.ok(exchanges.length >= 1);
  assert.deepEqual(new Set(exchanges.map((e) => e.method)), new Set(["POST"]));
});

test("a hash that does not match the query is rejected with PERSISTED_QUERY_HASH_MISMATCH", async () => {
  const { fetch, exchanges } = recordingFetch();
  const wrongHash = (text) => sha256(`${text} `);
  const client = apqClient(fetch, { sha256: wrongHash });

  await assert.rejects(
    client.query({ query: freshQuery(), variables: { contractId: "3", id: "1" } }),
    (error) => {
      assert.deepEqual(errorCodes(error), ["PERSISTED_QUERY_HASH_MISMATCH"]);
      return true;
    },
  );
  assert.equal(exchanges.length, 2);
  assertNotFound(exchanges[0]);
  assert.equal(exchanges[1].status, 400);
  assert.equal("data" in receivedPayload(exchanges[1]), false);
});
