// File uploads with apollo-upload-client (GraphQL multipart request spec) into
// `attachments[i].file`; the gateway Base64-encodes the bytes into the upstream's `content`
// (tests/clients/test_apollo_client.py checks what reached the upstream).
import assert from "node:assert/strict";
import { test } from "node:test";

import UploadHttpLink from "apollo-upload-client/UploadHttpLink.mjs";

import { config } from "./config.mjs";
import { CREATE_INVOICE, GET_INVOICE } from "./documents.mjs";
import { authHeaders, newClient, recordingFetch } from "./support.mjs";

// Must match UPLOADED_FILENAME and UPLOADED_TEXT in tests/clients/test_apollo_client.py.
const UPLOADED_FILENAME = "apollo-upload.txt";
const UPLOADED_TEXT = "Attachment sent by apollo-upload-client.\n";

function uploadClient(fetch) {
  // Browsers must send this header with multipart requests (CSRF protection); so do we.
  const headers = { ...authHeaders, "Apollo-Require-Preflight": "true" };
  return newClient(new UploadHttpLink({ uri: config.url, fetch, headers }));
}

function withAttachment(filename, file) {
  return {
    input: {
      contractId: "3",
      description: "upload",
      grossValue: "100.00",
      issueDate: "2025-06-02",
      receivables: [{ dueDate: "2025-06-10", grossValue: "100.00" }],
      attachments: [{ filename, contentType: "text/plain", file }],
    },
  };
}

test("a File in attachments[0].file is uploaded as multipart and attached to the invoice", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = uploadClient(fetch);
  const file = new File([UPLOADED_TEXT], UPLOADED_FILENAME, { type: "text/plain" });

  const { data } = await client.mutate({
    mutation: CREATE_INVOICE,
    variables: withAttachment(UPLOADED_FILENAME, file),
  });

  assert.equal(exchanges.length, 1);
  assert.ok(exchanges[0].body instanceof FormData, "sent as a multipart request");
  assert.deepEqual([...exchanges[0].body.keys()], ["operations", "map", "1"]);
  assert.deepEqual(JSON.parse(exchanges[0].body.get("map")), {
    1: ["variables.input.attachments.0.file"],
  });
  assert.deepEqual(data.createInvoice.userErrors, []);
  const created = data.createInvoice.invoice;
  assert.deepEqual(created.attachments.map((a) => a.filename), [UPLOADED_FILENAME]);

  const read = await client.query({
    query: GET_INVOICE,
    variables: { contractId: "3", id: created.id },
    fetchPolicy: "network-only",
  });
  assert.equal(exchanges.length, 2);
  const [attachment] = read.data.invoice.attachments;
  assert.equal(read.data.invoice.attachments.length, 1);
  assert.equal(attachment.filename, UPLOADED_FILENAME);
  assert.ok(attachment.id);
  assert.ok(attachment.url?.includes(UPLOADED_FILENAME), `url ${attachment.url}`);
});

test("a file of exactly GATEWAY_MAX_UPLOAD_BYTES is accepted", async () => {
  const client = uploadClient(recordingFetch().fetch);
  const file = new File([new Uint8Array(config.maxUploadBytes).fill(65)], "limit.bin");

  const { data } = await client.mutate({ mutation: CREATE_INVOICE, variables: withAttachment("limit.bin", file) });

  assert.deepEqual(data.createInvoice.userErrors, []);
  assert.deepEqual(data.createInvoice.invoice.attachments.map((a) => a.filename), ["limit.bin"]);
});

test("a file past GATEWAY_MAX_UPLOAD_BYTES is a TOO_LARGE user error on its path", async () => {
  const client = uploadClient(recordingFetch().fetch);
  const file = new File([new Uint8Array(config.maxUploadBytes + 1).fill(66)], "too-large.bin");

  const { data, error } = await client.mutate({
    mutation: CREATE_INVOICE,
    variables: withAttachment("too-large.bin", file),
  });

  assert.equal(error, undefined);
  assert.equal(data.createInvoice.invoice, null);
  assert.deepEqual(
    data.createInvoice.userErrors.map(({ field, code }) => ({ field, code })),
    [{ field: ["input", "attachments", "0", "file"], code: "TOO_LARGE" }],
  );
});
