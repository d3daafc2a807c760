// Composes bench/hive/openapi.yaml into the supergraph that bench/run-reads serves with
// `hive-gateway supergraph`. The stand-in's address is only known at run time, so the bench
// composes on every run, with BENCH_UPSTREAM_URL set.
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const upstream = process.env.BENCH_UPSTREAM_URL;
if (!upstream) {
  throw new Error('BENCH_UPSTREAM_URL is not set');
}

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Invoicing', {
        source: './openapi.yaml',
        endpoint: `${upstream}/api/v1`,
        // The client's credentials go upstream, as the gateway and the proxies pass them on.
        operationHeaders: { Authorization: '{context.headers.authorization}' },
      }),
    },
  ],
  // The graph page's links (bench/run-reads' graph scenario): each invoice's contract and
  // customer read by the REST endpoints the gateway uses. An invoice does not say which
  // organization found it, so the contract is read under the graph page's organization (2).
  additionalTypeDefs: /* GraphQL */ `
    extend type Invoice {
      contract: Contract
        @resolveTo(
          sourceName: "Invoicing"
          sourceTypeName: "Query"
          sourceFieldName: "getContract"
          requiredSelectionSet: "{ contract_id }"
          sourceArgs: { organization_id: "2", id: "{root.contract_id}" }
          result: "contract"
        )
      customer: Company
        @resolveTo(
          sourceName: "Invoicing"
          sourceTypeName: "Query"
          sourceFieldName: "getCompany"
          requiredSelectionSet: "{ customer_id }"
          sourceArgs: { id: "{root.customer_id}" }
          result: "company"
        )
    }
  `,
});
