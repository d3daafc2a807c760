#!/usr/bin/env node
// Copies the GraphiQL playground's browser builds from node_modules (the versions pinned in
// package.json) into gateway/playground/static/, and records each file's sha384 in
// integrity.json, which the page's Subresource Integrity attributes must match.
//
//   node vendor-playground.mjs           refresh the vendored files
//   node vendor-playground.mjs --check   exit 1 if they differ from node_modules
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = join(HERE, "node_modules");
export const STATIC_DIR = join(HERE, "..", "gateway", "playground", "static");
export const MANIFEST = "integrity.json";

// Served file name -> [npm package, path inside it]. UMD builds: no bundler, no import map.
const ASSETS = {
  "react.production.min.js": ["react", "umd/react.production.min.js"],
  "react-dom.production.min.js": ["react-dom", "umd/react-dom.production.min.js"],
  "graphiql.min.js": ["graphiql", "graphiql.min.js"],
  "graphiql.min.css": ["graphiql", "graphiql.min.css"],
  "plugin-explorer.umd.js": ["@graphiql/plugin-explorer", "dist/index.umd.js"],
  "plugin-explorer.css": ["@graphiql/plugin-explorer", "dist/style.css"],
};
const LICENSED = ["react", "react-dom", "graphiql", "@graphiql/plugin-explorer"];

function packageJson(name) {
  return JSON.parse(readFileSync(join(MODULES, name, "package.json"), "utf8"));
}

function licenseFile(name) {
  const dir = join(MODULES, name);
  const found = readdirSync(dir).find((entry) => /^licen[cs]e(\.|$)/i.test(entry));
  return found ? join(dir, found) : null;
}

/** Every file to vendor: name -> { bytes, from }. */
function collect() {
  const files = {};
  for (const [name, [pkg, path]] of Object.entries(ASSETS)) {
    files[name] = { bytes: readFileSync(join(MODULES, pkg, path)), from: `${pkg}@${packageJson(pkg).version}/${path}` };
  }
  for (const pkg of LICENSED) {
    const { version, license } = packageJson(pkg);
    const name = `${pkg.replace("@", "").replace("/", "-")}.LICENSE.txt`;
    const source = licenseFile(pkg);
    const bytes = source
      ? readFileSync(source)
      : Buffer.from(`${pkg}@${version} is published under the ${license} license (no license file in the package).\n`);
    files[name] = { bytes, from: `${pkg}@${version}/${source ? source.split("/").pop() : "package.json#license"}` };
  }
  return files;
}

export function sri(bytes) {
  return `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
}

function manifest(files) {
  const entries = Object.fromEntries(
    Object.entries(files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, { bytes, from }]) => [name, { integrity: sri(bytes), from }]),
  );
  return `${JSON.stringify({ generatedBy: "clients/vendor-playground.mjs", files: entries }, null, 2)}\n`;
}

function check(files) {
  const problems = [];
  const wanted = new Set([...Object.keys(files), MANIFEST]);
  const present = existsSync(STATIC_DIR) ? readdirSync(STATIC_DIR) : [];
  for (const name of present) if (!wanted.has(name)) problems.push(`${name}: not a vendored file`);
  for (const [name, { bytes }] of Object.entries(files)) {
    const path = join(STATIC_DIR, name);
    if (!existsSync(path)) problems.push(`${name}: missing`);
    else if (!readFileSync(path).equals(bytes)) problems.push(`${name}: differs from node_modules`);
  }
  const manifestPath = join(STATIC_DIR, MANIFEST);
  if (!existsSync(manifestPath) || readFileSync(manifestPath, "utf8") !== manifest(files)) {
    problems.push(`${MANIFEST}: out of date`);
  }
  return problems;
}

function write(files) {
  rmSync(STATIC_DIR, { recursive: true, force: true });
  mkdirSync(STATIC_DIR, { recursive: true });
  for (const [name, { bytes }] of Object.entries(files)) writeFileSync(join(STATIC_DIR, name), bytes);
  writeFileSync(join(STATIC_DIR, MANIFEST), manifest(files));
}

function main(args) {
  const files = collect();
  if (args.includes("--check")) {
    const problems = check(files);
    for (const problem of problems) console.log(`✖ ${problem}`);
    console.log(problems.length ? "vendored playground assets are stale: run `npm run vendor-playground`" : "vendored playground assets match node_modules");
    return problems.length ? 1 : 0;
  }
  write(files);
  for (const [name, { from }] of Object.entries(files)) console.log(`${name} <- ${from}`);
  console.log(`wrote ${STATIC_DIR}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
