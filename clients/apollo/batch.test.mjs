// BatchHttpLink: several operations in one HTTP request, answered in order, and the
// gateway's GATEWAY_MAX_BATCH_SIZE enforced with a clear error.
import assert from "node:assert/strict";
import { test } from "node:test";

import { BatchHttpLink } from "@apollo/client/link/batch-http";

import { config } from "./config.mjs";
import { INVOICE_SUMMARY } from "./documents.mjs";
import {
  authHeaders,
  createSeedInvoice,
  errorCodes,
  newClient,
  receivedPayload,
  recordingFetch,
  sentPayload,
} from "./support.mjs";

function batchClient(fetch, batchMax) {
  // Each test fills the batch (`batchMax`) in one tick, which sends it at once; the interval
  // is only a bound, and short because Apollo leaves its timer running after a full batch.
  const link = new BatchHttpLink({
    uri: config.url,
    fetch,
    headers: authHeaders,
    batchMax,
    batchInterval: 1_000,
  });
  return newClient(link);
}

function summaries(client, ids) {
  return ids.map((id) =>
    client.query({ query: INVOICE_SUMMARY, variables: { contractId: "3", id }, fetchPolicy: "network-only" }),
  );
}

test("a full batch goes as one HTTP request and each operation gets its own answer, in order", async () => {
  const created = [await createSeedInvoice(), await createSeedInvoice()];
  const ids = [created[1].id, "987654", created[0].id];
  const { fetch, exchanges } = recordingFetch();
  const client = batchClient(fetch, ids.length);

  const results = await Promise.all(summaries(client, ids));

  assert.equal(exchanges.length, 1, "one HTTP request for the whole batch");
  const sent = sentPayload(exchanges[0]);
  assert.ok(Array.isArray(sent));
  assert.deepEqual(sent.map((operation) => operation.variables.id), ids);
  const answered = receivedPayload(exchanges[0]);
  assert.ok(Array.isArray(answered));
  assert.deepEqual(answered.map((answer) => answer.data.invoice?.id ?? null), [created[1].id, null, created[0].id]);
  assert.deepEqual(
    results.map((result) => result.data.invoice?.id ?? null),
    [created[1].id, null, created[0].id],
  );
});

test("a batch past GATEWAY_MAX_BATCH_SIZE is refused whole with BATCH_TOO_LARGE", async () => {
  const size = config.maxBatchSize + 1;
  const { fetch, exchanges } = recordingFetch();
  const client = batchClient(fetch, size);
  const ids = Array.from({ length: size }, (_, index) => String(900000 + index));

  const outcomes = await Promise.allSettled(summaries(client, ids));

  assert.equal(exchanges.length, 1);
  assert.equal(sentPayload(exchanges[0]).length, size);
  assert.equal(exchanges[0].status, 400);
  const body = receivedPayload(exchanges[0]);
  assert.equal("data" in body, false);
  assert.deepEqual(body.errors.map((error) => error.extensions.code), ["BATCH_TOO_LARGE"]);
  assert.match(body.errors[0].message, new RegExp(`\\b${config.maxBatchSize}\\b`), "the message names the limit");
  for (const outcome of outcomes) {
    assert.equal(outcome.status, "rejected");
    assert.deepEqual(errorCodes(outcome.reason), ["BATCH_TOO_LARGE"]);
  }
});

test("a batch of exactly GATEWAY_MAX_BATCH_SIZE operations is accepted", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = batchClient(fetch, config.maxBatchSize);
  const ids = Array.from({ length: config.maxBatchSize }, (_, index) => String(910000 + index));

  const results = await Promise.all(summaries(client, ids));

  assert.equal(exchanges.length, 1);
  assert.equal(exchanges[0].status, 200);
  assert.deepEqual(results.map((result) => result.data.invoice), ids.map(() => null));
});
