#!/usr/bin/env node
// GraphQL-over-HTTP conformance: runs graphql-http's `auditServer` against a live endpoint,
// prints every result, and exits 1 on any error or warning (notices are printed only).
//
//   node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from "graphql-http";

const FAILING = new Set(["error", "warn"]);
const BODY_LIMIT = 400;

async function describeResponse(response) {
  let body;
  try {
    body = await response.clone().text();
  } catch {
    body = "(body already read by the audit)";
  }
  if (body.length > BODY_LIMIT) body = `${body.slice(0, BODY_LIMIT)}...`;
  const type = response.headers.get("content-type") ?? "(no content-type)";
  return `HTTP ${response.status} ${type}: ${body}`;
}

async function main(url) {
  if (!url) {
    console.error("usage: node audit.mjs <graphql url>");
    return 2;
  }
  const results = await auditServer({ url });
  const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
  for (const result of results) {
    counts[result.status] += 1;
    const line = `${result.status.toUpperCase().padEnd(6)} ${result.id} ${result.name}`;
    if (result.status === "ok") {
      console.log(line);
      continue;
    }
    console.log(line);
    console.log(`       reason:   ${result.reason}`);
    console.log(`       response: ${await describeResponse(result.response)}`);
  }
  console.log(
    `\ngraphql-http audit of ${url}: ${results.length} audits, ${counts.ok} ok, ` +
      `${counts.notice} notice, ${counts.warn} warn, ${counts.error} error`,
  );
  return results.some((result) => FAILING.has(result.status)) ? 1 : 0;
}

process.exitCode = await main(process.argv[2]);
