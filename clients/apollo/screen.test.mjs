// A screen over the linked graph (issue 14): an invoice list with each invoice's contract and
// customer (`Party = Company | Person | Organization`) in one query, codegen's typed document
// of src/screen.ts, normalised once per object by Apollo's cache with the codegen-generated
// `possibleTypes`, and kept current by a mutation's answer with no refetch.
//
// tests/clients/test_apollo_client.py reads this file's `screen-cost` diagnostic and counts
// what the screen query cost the upstream (the calls sent under its X-Request-Id).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { gql, InMemoryCache } from "@apollo/client";

import { typePolicies } from "./cache.mjs";
import { config } from "./config.mjs";
import { CREATE_INVOICE } from "./documents.mjs";
import { documents } from "./generated.mjs";
import { httpLink, isComplete, newClient, recordingFetch, uniqueSuffix, watch } from "./support.mjs";

const ORGANIZATION_ID = "1";
// The sandbox's default data set: organization 1 supplies contract 1 to person 1 and
// contract 2 to company 2.
const DEFAULT_CONTRACTS = [
  { id: "1", customer: { __typename: "Person", id: "1" } },
  { id: "2", customer: { __typename: "Company", id: "2" } },
];

// The screen query of src/screen.ts, as codegen generated it (with `__typename` everywhere):
// `invoices(organizationId, filter, first)` with each invoice's `contract { id name }` and
// `customer { ... on Company { id name cnpj } ... on Person { id name cpf } }`.
const INVOICE_SCREEN = documents.InvoiceScreenDocument;

// What a customer badge component would declare: a fragment on the union itself.
const CUSTOMER_NAME = gql`
  fragment CustomerName on Party {
    ... on Company { id name }
    ... on Person { id name }
    ... on Organization { id name }
  }
`;

const COMPANY_NAME = gql`
  fragment CompanyName on Company { id name }
`;

/** `mutation <Name>($input: <Name>Input!)` answering `{ <resource> { id name } userErrors }`. */
function payloadMutation(field, resource) {
  const name = field[0].toUpperCase() + field.slice(1);
  return gql(`
    mutation ${name}($input: ${name}Input!) {
      ${field}(input: $input) {
        ${resource} { id name }
        userErrors { field message code }
      }
    }
  `);
}

const CREATE_COMPANY = payloadMutation("createCompany", "company");
const UPDATE_COMPANY = payloadMutation("updateCompany", "company");
const CREATE_CONTRACT = payloadMutation("createContract", "contract");

const CUSTOMER_PAGES = gql`
  query CustomerPages($companyId: ID!, $personId: ID!) {
    company(id: $companyId) { id name }
    person(id: $personId) { id name }
  }
`;

const ORGANIZATIONS = gql`
  query Organizations { organizations { id name } }
`;

const ORGANIZATION = gql`
  query Organization($id: ID!) { organization(id: $id) { id name } }
`;

/** A CNPJ no other test uses, with valid check digits (the sandbox checks them). */
function uniqueCnpj() {
  const digits = Array.from({ length: 8 }, () => Math.floor(Math.random() * 10));
  digits[0] = 1 + Math.floor(Math.random() * 9); // never all the same digit
  digits.push(0, 0, 0, 1); // the head office
  for (const weights of [
    [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2],
    [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2],
  ]) {
    const remainder = weights.reduce((sum, weight, i) => sum + weight * digits[i], 0) % 11;
    digits.push(remainder < 2 ? 0 : 11 - remainder);
  }
  return digits.join("");
}

async function mutateOk(client, mutation, input) {
  const { data } = await client.mutate({ mutation, variables: { input } });
  const [payload] = Object.values(data);
  assert.deepEqual(payload.userErrors, [], JSON.stringify(input));
  return payload;
}

/**
 * The screen's data, made through the gateway by a throw-away client: a company of its own
 * with two contracts, and invoices in a year no other test bills in on those two contracts
 * and on the default contracts 1 (person 1) and 2 (company 2).
 */
async function makeScreen() {
  const client = newClient(httpLink(recordingFetch().fetch));
  const suffix = uniqueSuffix();
  const { company } = await mutateOk(client, CREATE_COMPANY, {
    name: `Apollo Screen ${suffix}`,
    cnpj: uniqueCnpj(),
  });
  const contracts = [...DEFAULT_CONTRACTS];
  for (const part of ["A", "B"]) {
    const { contract } = await mutateOk(client, CREATE_CONTRACT, {
      name: `Apollo Screen ${suffix} ${part}`,
      customer: { type: "COMPANY", id: company.id },
      supplier: { type: "COMPANY", id: ORGANIZATION_ID },
    });
    contracts.push({ id: contract.id, customer: { __typename: "Company", id: company.id } });
  }
  const year = 2900 + Math.floor(Math.random() * 100);
  const invoices = [];
  // One invoice on each default contract, two on each of the company's.
  for (const contract of [contracts[0], contracts[1], contracts[2], contracts[2], contracts[3], contracts[3]]) {
    const day = String(invoices.length + 1).padStart(2, "0");
    const input = {
      ...config.seedVariables.input,
      contractId: contract.id,
      issueDate: `${year}-05-${day}`,
      receivables: [{ grossValue: "700.00", dueDate: `${year}-06-${day}` }],
    };
    const { invoice } = await mutateOk(client, CREATE_INVOICE, input);
    invoices.push({ id: invoice.id, contract });
  }
  const variables = {
    organizationId: ORGANIZATION_ID,
    filter: { issueDateFrom: `${year}-01-01`, issueDateTo: `${year}-12-31` },
    first: 20,
  };
  return { company, contracts, invoices, variables };
}

const key = (object) => `${object.__typename}:${object.id}`;

/** Each row of the screen as [invoice, contract, customer type, customer name]. */
function rows(data) {
  return data.invoices.edges.map(({ node }) => [
    node.id,
    node.contract.id,
    node.customer.__typename,
    node.customer.name,
  ]);
}

/** Every object of these types found nested inside another entity instead of a `__ref`. */
function embeddedCopies(store, typenames) {
  const found = [];
  const visit = (value, where) => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${where}[${i}]`));
    else if (value && typeof value === "object") {
      if (typenames.includes(value.__typename)) found.push(where);
      for (const [field, item] of Object.entries(value)) visit(item, `${where}.${field}`);
    }
  };
  for (const [id, entity] of Object.entries(store)) {
    for (const [field, value] of Object.entries(entity)) visit(value, `${id}.${field}`);
  }
  return found;
}

let screen;
before(async () => {
  screen = await makeScreen();
});

test("the invoice screen normalises each contract and customer once, and the union through possibleTypes", async (t) => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const requestId = `apollo-screen-${uniqueSuffix()}`;

  const { data } = await client.query({
    query: INVOICE_SCREEN,
    variables: screen.variables,
    context: { headers: { "X-Request-Id": requestId } },
  });

  assert.equal(exchanges.length, 1, "the whole screen in one request");
  const names = new Map([
    ["Person:1", "Mariana Souza Lima"],
    ["Company:2", "Pão Dourado"],
    [key({ __typename: "Company", id: screen.company.id }), screen.company.name],
  ]);
  assert.deepEqual(
    rows(data),
    screen.invoices.map(({ id, contract }) => [
      id,
      contract.id,
      contract.customer.__typename,
      names.get(key(contract.customer)),
    ]),
  );
  assert.equal(data.invoices.pageInfo.hasNextPage, false);
  for (const { node } of data.invoices.edges) assert.match(node.contract.name, /\S/);

  // One entry per object, and every invoice refers to its contract and customer.
  const store = client.cache.extract();
  const contractKeys = screen.contracts.map((contract) => `Contract:${contract.id}`);
  const customerKeys = [...names.keys()];
  const invoiceKeys = screen.invoices.map((invoice) => `Invoice:${invoice.id}`);
  assert.deepEqual(
    Object.keys(store).sort(),
    ["ROOT_QUERY", ...invoiceKeys, ...contractKeys, ...customerKeys].sort(),
  );
  for (const { id, contract } of screen.invoices) {
    assert.deepEqual(store[`Invoice:${id}`].contract, { __ref: `Contract:${contract.id}` });
    assert.deepEqual(store[`Invoice:${id}`].customer, { __ref: key(contract.customer) });
  }
  for (const customer of customerKeys) {
    assert.equal(store[customer].name, names.get(customer));
  }
  assert.deepEqual(embeddedCopies(store, ["Invoice", "Contract", "Company", "Person"]), []);

  // The union's members come from the generated possibleTypes: a fragment on Party reads
  // a Company and a Person back; a cache without them cannot match the fragment.
  const companyKey = key({ __typename: "Company", id: screen.company.id });
  assert.deepEqual(client.cache.readFragment({ id: companyKey, fragment: CUSTOMER_NAME }), {
    __typename: "Company",
    id: screen.company.id,
    name: screen.company.name,
  });
  assert.deepEqual(client.cache.readFragment({ id: "Person:1", fragment: CUSTOMER_NAME }), {
    __typename: "Person",
    id: "1",
    name: "Mariana Souza Lima",
  });
  assert.deepEqual(client.cache.readFragment({ id: companyKey, fragment: COMPANY_NAME }), {
    __typename: "Company",
    id: screen.company.id,
    name: screen.company.name,
  });
  const withoutPossibleTypes = new InMemoryCache({ typePolicies }).restore(store);
  assert.deepEqual(
    withoutPossibleTypes.readFragment({ id: companyKey, fragment: CUSTOMER_NAME }),
    { __typename: "Company" },
    "without possibleTypes, no field of a fragment on the union is read",
  );
  assert.deepEqual(
    withoutPossibleTypes.readFragment({ id: companyKey, fragment: COMPANY_NAME }),
    client.cache.readFragment({ id: companyKey, fragment: COMPANY_NAME }),
    "a fragment on the member itself needs none",
  );

  t.diagnostic(
    `screen-cost ${JSON.stringify({
      requestId,
      organizationId: ORGANIZATION_ID,
      contracts: [...new Set(screen.contracts.map((contract) => contract.id))],
      customers: customerKeys,
    })}`,
  );
});

test("updateCompany renames the customer on every invoice of it, with no refetch", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const watcher = watch(client.watchQuery({ query: INVOICE_SCREEN, variables: screen.variables }));
  const shown = await watcher.until(isComplete);
  const before = rows(shown.data);
  const renamed = `${screen.company.name} renamed`;
  const ofTheCompany = (row) => row[2] === "Company" && screen.invoices.some(
    (invoice) => invoice.id === row[0] && invoice.contract.customer.id === screen.company.id,
  );
  assert.equal(before.filter(ofTheCompany).length, 4, "the company's invoices on two contracts");

  const { company } = await mutateOk(client, UPDATE_COMPANY, { id: screen.company.id, name: renamed });
  screen.company = company;
  assert.deepEqual(company, { __typename: "Company", id: screen.company.id, name: renamed });

  const expected = before.map((row) => (ofTheCompany(row) ? [...row.slice(0, 3), renamed] : row));
  // The watching screen re-renders from the cache...
  const updated = await watcher.until(
    (result) => isComplete(result) && rows(result.data).some((row) => row[3] === renamed),
  );
  assert.deepEqual(rows(updated.data), expected);
  watcher.stop();
  // ...and so does any read of it that may not touch the network.
  const cached = await client.query({
    query: INVOICE_SCREEN,
    variables: screen.variables,
    fetchPolicy: "cache-only",
  });
  assert.deepEqual(rows(cached.data), expected);
  assert.deepEqual(
    exchanges.map((exchange) => JSON.parse(exchange.body).operationName),
    ["InvoiceScreen", "UpdateCompany"],
    "the screen once, then only the mutation",
  );
});

test("a customer or an organization already in the cache opens without a request", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  await client.query({ query: INVOICE_SCREEN, variables: screen.variables });
  await client.query({ query: ORGANIZATIONS });
  assert.equal(exchanges.length, 2);

  const pages = await client.query({
    query: CUSTOMER_PAGES,
    variables: { companyId: screen.company.id, personId: "1" },
  });
  assert.deepEqual(pages.data.company, {
    __typename: "Company",
    id: screen.company.id,
    name: screen.company.name,
  });
  assert.equal(pages.data.person.name, "Mariana Souza Lima");
  const organization = await client.query({ query: ORGANIZATION, variables: { id: ORGANIZATION_ID } });
  assert.equal(organization.data.organization.id, ORGANIZATION_ID);
  assert.match(organization.data.organization.name, /\S/);
  assert.equal(exchanges.length, 2, "company(id), person(id) and organization(id) read the cache");

  // One that is not there is still fetched.
  const missing = await client.query({ query: ORGANIZATION, variables: { id: "999999" } });
  assert.equal(missing.data.organization, null);
  assert.equal(exchanges.length, 3);
});

const CONTRACT_INVOICES = gql`
  query ContractInvoices($organizationId: ID!, $id: ID!, $first: Int, $after: String) {
    contract(organizationId: $organizationId, id: $id) {
      id
      invoices(first: $first, after: $after) {
        edges { cursor node { id } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

test("a contract's invoices (a link) page with fetchMore into one list", async () => {
  const { fetch, exchanges } = recordingFetch();
  const client = newClient(httpLink(fetch));
  const contract = screen.contracts[2]; // the company's first contract: two invoices
  const ids = screen.invoices.filter((invoice) => invoice.contract === contract).map((i) => i.id);
  const variables = { organizationId: ORGANIZATION_ID, id: contract.id, first: 1 };
  const observable = client.watchQuery({ query: CONTRACT_INVOICES, variables });
  const watcher = watch(observable);
  const first = await watcher.until(isComplete);
  assert.deepEqual(first.data.contract.invoices.edges.map((edge) => edge.node.id), ids.slice(0, 1));

  const { endCursor } = first.data.contract.invoices.pageInfo;
  await observable.fetchMore({ variables: { after: endCursor } });
  const merged = await watcher.until((result) => result.data?.contract.invoices.edges.length === 2);
  watcher.stop();
  assert.deepEqual(merged.data.contract.invoices.edges.map((edge) => edge.node.id), ids);
  assert.equal(merged.data.contract.invoices.pageInfo.hasNextPage, false);
  assert.equal(exchanges.length, 2);
});
