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
});
