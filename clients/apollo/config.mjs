// What the suite needs to know about the gateway under test, from the environment that
// tests/clients sets (see tests/clients/support.py, or `python -m tests.clients.serve`).

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this suite through tests/clients (pytest) or set it`);
  }
  return value;
}

function requiredInteger(name) {
  const value = Number.parseInt(required(name), 10);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export const config = {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:8000/graphql. */
  url: required("GATEWAY_GRAPHQL_URL"),
  /** The Authorization header the upstream sandbox accepts. */
  authorization: required("GATEWAY_AUTHORIZATION"),
  /** The gateway's GATEWAY_MAX_BATCH_SIZE. */
  maxBatchSize: requiredInteger("GATEWAY_MAX_BATCH_SIZE"),
  /** The gateway's GATEWAY_MAX_UPLOAD_BYTES. */
  maxUploadBytes: requiredInteger("GATEWAY_MAX_UPLOAD_BYTES"),
  /** The documented example as GraphQL variables (examples/seed.py). */
  seedVariables: JSON.parse(required("SEED_VARIABLES_JSON")),
};
