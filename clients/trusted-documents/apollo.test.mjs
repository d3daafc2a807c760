// Apollo Client 4 running GraphQL Code Generator's documents by hash against a gateway that
// enforces its trusted documents (GATEWAY_TRUSTED_DOCUMENTS=src/gql/persisted-documents.json,
// GATEWAY_TRUSTED_DOCUMENTS_MODE=enforce); tests/clients/test_trusted_documents.py runs it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

import { config } from "../apollo/config.mjs";
import {
  errorCodes,
  httpLink,
  newClient,
  receivedPayload,
  recordingFetch,
  sentPayload,
} from "../apollo/support.mjs";
import { documents, manifest } from "../apollo/generated.mjs";

const { SampleCreateInvoiceDocument, SampleInvoiceDocument } = documents;

/**
 * The link a front end built with codegen's `persistedDocuments` uses: the hash codegen put in
 * each document (`sha256:<hex>`), as the bare hex Apollo's `sha256Hash` carries.
 */
function trustedDocumentsLink(options = {}) {
  return new PersistedQueryLink({
    generateHash: (document) => document.__meta__.hash.replace(/^sha256:/, ""),
    ...options,
  });
}

function assertHashOnly(exchange, document) {
  const payload = sentPayload(exchange);
  assert.deepEqual(Object.keys(payload).sort(), ["extensions", "operationName", "variables"]);
  assert.equal(payload.query, undefined, "no query text was sent");
  assert.equal(payload.extensions.persistedQuery.sha256Hash, document.__meta__.hash.slice(7));
}

test("codegen's documents carry the manifest's hashes", () => {
  for (const document of [SampleCreateInvoiceDocument, SampleInvoiceDocument]) {
    const hash = document.__meta__.hash;
    assert.match(hash, /^sha256:[0-9a-f]{64}$/);
    const text = manifest[hash];
    assert.equal(typeof text, "string", `${hash} is in persisted-documents.json`);
    assert.equal(createHash("sha256").update(text).digest("hex"), hash.slice(7));
  }
});

test("a mutation (POST) and a query (GET) run by hash only and return their data", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(
    trustedDocumentsLink({ useGETForHashedQueries: true }).concat(httpLink(fetch)),
  );

  const created = await client.mutate({
    mutation: SampleCreateInvoiceDocument,
    variables: config.seedVariables,
  });
  const invoice = created.data.createInvoice.invoice;
  assert.deepEqual(created.data.createInvoice.userErrors, []);
  assert.equal(invoice.grossValue, "700.00");
  assert.equal(invoice.__typename, "Invoice", "the listed document asks for __typename");

  const read = await client.query({
    query: SampleInvoiceDocument,
    variables: { contractId: "3", id: invoice.id },
    fetchPolicy: "network-only",
  });
  assert.equal(read.data.invoice.id, invoice.id);
  assert.equal(read.data.invoice.grossValue, "700.00");

  // One exchange each: no PersistedQueryNotFound, so no retry with the text.
  assert.deepEqual(exchanges.map((e) => [e.method, e.status]), [["POST", 200], ["GET", 200]]);
  assertHashOnly(exchanges[0], SampleCreateInvoiceDocument);
  assertHashOnly(exchanges[1], SampleInvoiceDocument);
  assert.equal(exchanges[1].url.searchParams.has("query"), false);
});

const UNLISTED = gql`
  query NotInTheFrontEnd($contractId: ID!, $id: ID!) {
    invoice(contractId: $contractId, id: $id) { id description }
  }
`;

test("an unlisted document: its hash is not found and its text is refused", async () => {
  const { fetch, exchanges } = recordingFetch();
  const sha256 = (text) => createHash("sha256").update(text).digest("hex");
  const client = newClient(new PersistedQueryLink({ sha256 }).concat(httpLink(fetch)));

  await assert.rejects(client.query({ query: UNLISTED, variables: { contractId: "3", id: "1" } }), (error) => {
    assert.deepEqual(errorCodes(error), ["PERSISTED_QUERY_NOT_IN_LIST"]);
    return true;
  });

  // Apollo's link does as it does with Apollo Router: the hash, then the text with it.
  assert.equal(exchanges.length, 2);
  const [miss, retry] = exchanges;
  assert.equal(sentPayload(miss).query, undefined);
  assert.equal(receivedPayload(miss).errors[0].extensions.code, "PERSISTED_QUERY_NOT_FOUND");
  assert.match(sentPayload(retry).query, /NotInTheFrontEnd/);
  assert.equal(retry.status, 400);
  const refused = receivedPayload(retry);
  assert.equal("data" in refused, false);
  assert.match(refused.errors[0].message, /front ends' own documents/);
});

test("an unlisted document sent as plain text is refused", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));

  await assert.rejects(client.query({ query: UNLISTED, variables: { contractId: "3", id: "1" } }), (error) => {
    assert.deepEqual(errorCodes(error), ["PERSISTED_QUERY_NOT_IN_LIST"]);
    return true;
  });
  assert.equal(exchanges.length, 1);
  assert.equal(exchanges[0].status, 400);
});
