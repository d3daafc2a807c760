// A graphql-inspector diff rule: a breaking change whose message is listed in the file named
// by SCHEMA_ACK_FILE (one "- <message>" line each, as the diff prints it after ✖) is
// reported as dangerous instead, so the diff fails only on breaking changes nobody
// acknowledged.
import { existsSync, readFileSync } from "node:fs";

// The diff prints messages with their quotes turned into bold; compare without quotes so an
// entry can be copied from the printed line or from the JSON message alike.
export function normalise(message) {
  return message.replace(/'([^']+)'/g, "$1").replace(/"([^"]+)"/g, "$1").trim();
}

export function acknowledgedMessages(path) {
  if (!path || !existsSync(path)) return new Set();
  const messages = readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("- "))
    .map((line) => normalise(line.slice(2).trim().replace(/^`(.*)`$/, "$1")));
  return new Set(messages);
}

export default function acknowledgedBreakingChanges({ changes }) {
  const file = process.env.SCHEMA_ACK_FILE;
  const acknowledged = acknowledgedMessages(file);
  return changes.map((change) => {
    if (change.criticality.level !== "BREAKING" || !acknowledged.has(normalise(change.message))) return change;
    return {
      ...change,
      criticality: { ...change.criticality, level: "DANGEROUS", reason: `acknowledged in ${file}` },
    };
  });
}
