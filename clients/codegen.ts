// GraphQL Code Generator, client preset: typed documents for a front end.
//
// `src/gql/` is generated from the committed schema.graphql; when GATEWAY_GRAPHQL_URL is set,
// `src/gql-live/` is generated the same way from that running gateway's introspection (the
// tests check that both agree). Each also gets `possible-types.json`, the union's members
// (`Party = Company | Person | Organization`) that Apollo Client's cache needs as
// `possibleTypes` to match fragments on the union.
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";
import type { Types } from "@graphql-codegen/plugin-helpers";

// Custom scalars as they travel in JSON. `strictScalars` makes a new, unmapped scalar an error.
const scalars = {
  Date: "string", // "2025-06-02"
  DateTime: "string", // "2025-05-06T08:28:35-03:00"
  Decimal: "string", // "700.00": exact, never a JS number
  Upload: "File", // multipart uploads (apollo-upload-client)
};

function clientPreset(schema: Types.Schema): Types.ConfiguredOutput {
  return {
    schema,
    documents: ["src/**/*.ts", "!src/gql/**", "!src/gql-live/**"],
    preset: "client",
    // `persisted-documents.json` ({"sha256:<hex>": document}) is the gateway's trusted-documents
    // manifest (GATEWAY_TRUSTED_DOCUMENTS), and each generated document carries its hash in
    // `__meta__.hash`, so that a front end can send the hash instead of the text.
    presetConfig: { persistedDocuments: true },
    // Apollo Client's cache needs `__typename` everywhere; added here, it is part of the listed
    // document the gateway runs for a hash, instead of something Apollo adds at run time.
    documentTransforms: [addTypenameSelectionDocumentTransform],
    config: {
      scalars,
      strictScalars: true,
      enumsAsTypes: true,
      useTypeImports: true,
    },
  };
}

// `{ "possibleTypes": { "Party": ["Company", "Organization", "Person"] } }` for
// `new InMemoryCache({ possibleTypes })`; sorted, so that the file and the introspection agree.
function possibleTypes(schema: Types.Schema): Types.ConfiguredOutput {
  return {
    schema,
    plugins: ["fragment-matcher"],
    config: { apolloClientVersion: 3, deterministic: true },
  };
}

const liveUrl = process.env.GATEWAY_GRAPHQL_URL;
// Also introspect deprecated input fields, which the file keeps.
const liveSchema = liveUrl
  ? ({ [liveUrl]: { inputValueDeprecation: true, specifiedByUrl: true } } as Types.Schema)
  : undefined;

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    "src/gql/": clientPreset("../schema.graphql"),
    "src/gql/possible-types.json": possibleTypes("../schema.graphql"),
    ...(liveSchema
      ? {
          "src/gql-live/": clientPreset(liveSchema),
          "src/gql-live/possible-types.json": possibleTypes(liveSchema),
        }
      : {}),
  },
};

export default config;
