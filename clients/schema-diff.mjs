#!/usr/bin/env node
// Breaking-change check: `graphql-inspector diff` between the previous committed
// schema.graphql and the current one; fails on a breaking change not acknowledged in
// schema-changes-acknowledged.md (one "- <message as the diff prints it>" line each).
//
//   node schema-diff.mjs [--root <git work tree>]     (default: this repository)
//
// The previous version: when schema.graphql differs from HEAD, HEAD's version; otherwise the
// version before the last commit that changed it; with no such version, the file itself.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMA = "schema.graphql";
const ACK_FILE = "schema-changes-acknowledged.md";

function git(root, ...args) {
  return execFileSync("git", ["-C", root, ...args], { encoding: "utf8" }).trim();
}

function succeeds(root, ...args) {
  return spawnSync("git", ["-C", root, ...args], { stdio: "ignore" }).status === 0;
}

/** [revision whose schema.graphql is the baseline, why] or [null, why] to compare with itself. */
export function baseline(root) {
  if (!succeeds(root, "cat-file", "-e", `HEAD:${SCHEMA}`)) {
    return [null, `${SCHEMA} is not committed yet`];
  }
  if (!succeeds(root, "diff", "--quiet", "HEAD", "--", SCHEMA)) {
    return [git(root, "rev-parse", "HEAD"), "HEAD (the file has uncommitted changes)"];
  }
  const last = git(root, "log", "-n", "1", "--format=%H", "--", SCHEMA);
  const parent = `${last}^`;
  if (!succeeds(root, "rev-parse", "--verify", "--quiet", `${parent}^{commit}`)) {
    if (git(root, "rev-parse", "--is-shallow-repository") === "true") {
      throw new Error(`${last} is at the edge of a shallow clone: fetch more history`);
    }
    return [null, `${last.slice(0, 10)} created ${SCHEMA}; no earlier version`];
  }
  if (!succeeds(root, "cat-file", "-e", `${parent}:${SCHEMA}`)) {
    return [null, `${last.slice(0, 10)} created ${SCHEMA}; no earlier version`];
  }
  return [git(root, "rev-parse", parent), `before ${last.slice(0, 10)}, the last commit that changed it`];
}

function main() {
  const { values } = parseArgs({ options: { root: { type: "string" } } });
  const root = git(resolve(values.root ?? join(HERE, "..")), "rev-parse", "--show-toplevel");
  const current = join(root, SCHEMA);
  const [revision, why] = baseline(root);
  const scratch = mkdtempSync(join(tmpdir(), "schema-diff-"));
  try {
    let previous = current;
    if (revision) {
      previous = join(scratch, `previous-${SCHEMA}`);
      writeFileSync(previous, git(root, "show", `${revision}:${SCHEMA}`));
    }
    console.log(`previous ${SCHEMA}: ${revision ? revision.slice(0, 10) : "the current file"} (${why})`);
    console.log(`acknowledged breaking changes: ${join(root, ACK_FILE)}`);
    const inspector = spawnSync(
      join(HERE, "node_modules", ".bin", "graphql-inspector"),
      ["diff", previous, current, "--rule", join(HERE, "schema-diff", "acknowledged-rule.mjs")],
      { stdio: "inherit", env: { ...process.env, SCHEMA_ACK_FILE: join(root, ACK_FILE) } },
    );
    if (inspector.error) throw inspector.error;
    return inspector.status ?? 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
