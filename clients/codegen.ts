// GraphQL Code Generator, client preset: typed documents for a front end.
//
// `src/gql/` is generated from the committed schema.graphql; when GATEWAY_GRAPHQL_URL is set,
// `src/gql-live/` is generated the same way from that running gateway's introspection (the
// tests check that both agree).
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

const liveUrl = process.env.GATEWAY_GRAPHQL_URL;

const config: CodegenConfig = {
  overwrite: true,
  generates: {
    "src/gql/": clientPreset("../schema.graphql"),
    ...(liveUrl
      ? {
          "src/gql-live/": clientPreset({
            // Also introspect deprecated input fields, which the file keeps.
            [liveUrl]: { inputValueDeprecation: true, specifiedByUrl: true },
          } as Types.Schema),
        }
      : {}),
  },
};

export default config;
