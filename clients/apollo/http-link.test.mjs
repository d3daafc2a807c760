// HttpLink: a mutation with nested variables, the normalised cache, and errors as Apollo
// Client 4 surfaces them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CombinedGraphQLErrors } from "@apollo/client";

import { config } from "./config.mjs";
import { CREATE_INVOICE, GET_INVOICE, INVOICE_SUMMARY } from "./documents.mjs";
import {
  createSeedInvoice,
  errorCodes,
  httpLink,
  newClient,
  recordingFetch,
  sentPayload,
} from "./support.mjs";

function minimalInput(fields = {}) {
  return {
    input: {
      contractId: "3",
      description: "apollo",
      grossValue: "250.50",
      issueDate: "2025-06-02",
      receivables: [{ dueDate: "2025-06-10", grossValue: "250.50" }],
      ...fields,
    },
  };
}

test("createInvoice with the seed's nested variables is normalised and read back from the cache", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));

  const { data, error } = await client.mutate({
    mutation: CREATE_INVOICE,
    variables: config.seedVariables,
  });

  assert.equal(error, undefined);
  assert.deepEqual(data.createInvoice.userErrors, []);
  const invoice = data.createInvoice.invoice;
  assert.equal(invoice.__typename, "Invoice");
  assert.equal(invoice.contractId, "3");
  assert.equal(invoice.state, "TO_EMIT");
  assert.equal(invoice.grossValue, "700.00");
  assert.equal(invoice.issueDate, "2025-06-02");
  assert.deepEqual(
    invoice.receivables.map((r) => [r.__typename, r.dueDate, r.grossValue, r.value]),
    [["Receivable", "2025-06-10", "700.00", "100"]],
  );
  assert.deepEqual(
    invoice.services.map((s) => [s.units, s.unitValue, s.value]),
    [["7", "100.00", "700.00"]],
  );
  assert.deepEqual(invoice.attachments.map((a) => a.filename), ["teste"]);
  assert.equal(invoice.paymentInformation.paymentMethod, "BILLET");

  assert.equal(exchanges.length, 1);
  const sent = sentPayload(exchanges[0]);
  assert.equal(sent.operationName, "CreateInvoice");
  assert.deepEqual(sent.variables, config.seedVariables);

  const key = client.cache.identify(invoice);
  assert.equal(key, `Invoice:${invoice.id}`);
  const normalised = client.cache.extract();
  assert.equal(normalised[key].grossValue, "700.00");
  assert.deepEqual(normalised[key].receivables, [
    { __ref: `Receivable:${invoice.receivables[0].id}` },
  ]);

  const cached = await client.query({
    query: GET_INVOICE,
    variables: { contractId: "3", id: invoice.id },
    fetchPolicy: "cache-first",
  });
  assert.equal(exchanges.length, 1, "the invoice query was answered from the cache");
  assert.deepEqual(cached.data.invoice, invoice);

  const fresh = await client.query({
    query: GET_INVOICE,
    variables: { contractId: "3", id: invoice.id },
    fetchPolicy: "network-only",
  });
  assert.equal(exchanges.length, 2);
  assert.deepEqual(fresh.data.invoice, invoice, "the cached invoice equals the gateway's");
});

test("an invoice the cache does not hold is fetched once, then served from the cache", async () => {
  const created = await createSeedInvoice();
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const variables = { contractId: "3", id: created.id };

  const first = await client.query({ query: INVOICE_SUMMARY, variables });
  const second = await client.query({ query: INVOICE_SUMMARY, variables });

  assert.equal(exchanges.length, 1);
  assert.deepEqual(first.data, second.data);
  assert.equal(first.data.invoice.grossValue, "700.00");

  const missing = await client.query({ query: INVOICE_SUMMARY, variables: { contractId: "3", id: "987654" } });
  assert.equal(exchanges.length, 2);
  assert.equal(missing.data.invoice, null);
});

test("upstream validation errors arrive as data in userErrors, not as Apollo errors", async () => {
  const client = newClient(httpLink(recordingFetch().fetch));

  const blank = await client.mutate({ mutation: CREATE_INVOICE, variables: minimalInput({ description: "" }) });
  assert.equal(blank.error, undefined);
  assert.equal(blank.data.createInvoice.invoice, null);
  assert.deepEqual(
    blank.data.createInvoice.userErrors.map(({ __typename, ...rest }) => rest),
    [{ field: ["input", "description"], message: "não pode ficar em branco", code: "BLANK" }],
  );

  const unknown = await client.mutate({ mutation: CREATE_INVOICE, variables: minimalInput({ contractId: "999" }) });
  assert.deepEqual(
    unknown.data.createInvoice.userErrors.map(({ field, code }) => ({ field, code })),
    [{ field: ["input", "contractId"], code: "NOT_FOUND" }],
  );
});

test("a wrong token is a top-level UNAUTHENTICATED error: CombinedGraphQLErrors", async () => {
  const { fetch } = recordingFetch();
  const client = newClient(httpLink(fetch, { Authorization: "Token token=wrong" }));

  await assert.rejects(
    client.mutate({ mutation: CREATE_INVOICE, variables: minimalInput() }),
    (error) => {
      assert.ok(CombinedGraphQLErrors.is(error), `expected CombinedGraphQLErrors, got ${error}`);
      assert.deepEqual(errorCodes(error), ["UNAUTHENTICATED"]);
      assert.deepEqual(error.errors[0].path, ["createInvoice"]);
      return true;
    },
  );

  const all = await client.mutate({
    mutation: CREATE_INVOICE,
    variables: minimalInput(),
    errorPolicy: "all",
  });
  assert.ok(CombinedGraphQLErrors.is(all.error));
  assert.deepEqual(errorCodes(all.error), ["UNAUTHENTICATED"]);
  assert.equal(all.data ?? null, null);

  await assert.rejects(
    client.query({ query: INVOICE_SUMMARY, variables: { contractId: "3", id: "1" } }),
    (error) => CombinedGraphQLErrors.is(error) && errorCodes(error).includes("UNAUTHENTICATED"),
  );
});

test("variables that do not fit the schema are a request error: 400, no data, CombinedGraphQLErrors", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));

  await assert.rejects(
    client.mutate({ mutation: CREATE_INVOICE, variables: minimalInput({ issueDate: "2025-02-30" }) }),
    (error) => {
      assert.ok(CombinedGraphQLErrors.is(error), `expected CombinedGraphQLErrors, got ${error}`);
      assert.deepEqual(errorCodes(error), ["BAD_USER_INPUT"]);
      return true;
    },
  );
  const [exchange] = exchanges;
  assert.equal(exchange.status, 400);
  assert.match(exchange.contentType, /^application\/graphql-response\+json/);
  assert.equal("data" in JSON.parse(exchange.text), false);
});
