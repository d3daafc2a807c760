// Helpers shared by the Apollo Client tests: a fetch that records every HTTP exchange, a
// client factory, and ways to create invoices and read error codes.
import { ApolloClient, CombinedGraphQLErrors, HttpLink, ServerError } from "@apollo/client";
import { filter, firstValueFrom, ReplaySubject } from "rxjs";

import { createCache } from "./cache.mjs";
import { config } from "./config.mjs";
import { CREATE_INVOICE } from "./documents.mjs";

/** A `fetch` that records each request and its answer in `exchanges`. */
export function recordingFetch() {
  const exchanges = [];
  async function fetchAndRecord(input, init = {}) {
    const url = new URL(typeof input === "string" ? input : input.url);
    const exchange = {
      method: (init.method ?? "GET").toUpperCase(),
      url,
      headers: new Headers(init.headers),
      body: init.body,
    };
    exchanges.push(exchange);
    const response = await fetch(input, init);
    exchange.status = response.status;
    exchange.contentType = response.headers.get("content-type");
    exchange.text = await response.clone().text();
    return response;
  }
  return { fetch: fetchAndRecord, exchanges };
}

/** The JSON body a recorded request sent (POST) or the parameters it carried (GET). */
export function sentPayload(exchange) {
  if (exchange.method === "GET") {
    const payload = {};
    for (const [name, value] of exchange.url.searchParams) {
      payload[name] = ["variables", "extensions"].includes(name) ? JSON.parse(value) : value;
    }
    return payload;
  }
  return JSON.parse(exchange.body);
}

export function receivedPayload(exchange) {
  return JSON.parse(exchange.text);
}

export const authHeaders = { Authorization: config.authorization };

export function httpLink(fetch, headers = authHeaders) {
  return new HttpLink({ uri: config.url, fetch, headers });
}

export function newClient(link) {
  return new ApolloClient({ link, cache: createCache() });
}

/** Creates the seed invoice (with `fields` changed) through a throw-away client. */
export async function createSeedInvoice(fields = {}) {
  const { fetch } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const variables = { input: { ...config.seedVariables.input, ...fields } };
  const { data } = await client.mutate({ mutation: CREATE_INVOICE, variables });
  if (data.createInvoice.userErrors.length) {
    throw new Error(`seed invoice rejected: ${JSON.stringify(data.createInvoice.userErrors)}`);
  }
  return data.createInvoice.invoice;
}

/**
 * The `extensions.code`s an Apollo error carries, however Apollo surfaced it: GraphQL errors
 * (CombinedGraphQLErrors), a non-2xx `application/json` answer (ServerError, whose body is
 * kept as text), or a batch whose answer did not line up (an Error with `result`).
 */
export function errorCodes(error) {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => e.extensions?.code);
  if (ServerError.is(error)) return codesOfBodies([JSON.parse(error.bodyText)]);
  if (Array.isArray(error?.result)) return codesOfBodies(error.result);
  throw error;
}

function codesOfBodies(bodies) {
  return bodies.flatMap((body) => (body.errors ?? []).map((e) => e.extensions?.code));
}

/**
 * Keeps one subscription to an ObservableQuery for the whole test and replays its results:
 * `until(predicate)` resolves with the first result that matches, now or later.
 */
export function watch(observable) {
  const results = new ReplaySubject();
  const subscription = observable.subscribe(results);
  return {
    until: (predicate) => firstValueFrom(results.pipe(filter(predicate))),
    stop: () => subscription.unsubscribe(),
  };
}

export const isComplete = (result) => result.dataState === "complete";

/** Makes each query text unique so persisted-query tests start from an unknown hash. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
