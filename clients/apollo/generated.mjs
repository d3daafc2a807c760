// What GraphQL Code Generator's client preset wrote to src/gql/ (`npm run codegen` first):
// the typed documents, each carrying its hash in `__meta__.hash`, and the manifest of them all
// that the gateway is started with (GATEWAY_TRUSTED_DOCUMENTS). The trusted-documents suite
// runs them by hash; screen.test.mjs runs src/screen.ts's screen query as a front end would.
//
// graphql.ts is TypeScript: its types are stripped here as a front end's bundler would strip
// them, and the document objects are used exactly as generated.
import { readFile } from "node:fs/promises";

import ts from "typescript";

const GENERATED = new URL("../src/gql/", import.meta.url);

async function generatedModule(name) {
  const source = await readFile(new URL(name, GENERATED), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return import(`data:text/javascript;charset=utf-8,${encodeURIComponent(outputText)}`);
}

export const documents = await generatedModule("graphql.ts");

export const manifest = JSON.parse(await readFile(new URL("persisted-documents.json", GENERATED), "utf8"));
