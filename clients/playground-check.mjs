#!/usr/bin/env node
// Opens the playground in headless Chromium with every non-loopback request blocked, runs the
// prefilled operation with GraphiQL's run button, waits for the answer, saves a screenshot,
// opens the explorer plugin, and prints a JSON report (the answer shown, every request,
// browser errors) on the last line; exits 1 if it could not get that far (the report then
// says where it stopped). With a webhook secret, it then subscribes to invoice 3's events in
// GraphiQL (over graphql-ws, the Authorization from the Headers tab) and posts signed
// deliveries until one shows in the result pane.
//
//   node playground-check.mjs <page url> <screenshot.png> [<webhook secret>]
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TIMEOUT_MS = 20_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

// What this machine's Chromium needs to start headless, as root, with no network noise.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function isLoopback(url) {
  const { protocol, hostname } = new URL(url);
  if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The text a GraphiQL (CodeMirror 5) editor holds, as shown, without line numbers. */
function editorText(page, container) {
  return page.locator(`${container} .CodeMirror`).first().evaluate((element) => element.CodeMirror.getValue());
}

async function saveScreenshot(page, path, report) {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  report.screenshot = path;
}

const SUBSCRIPTION = "subscription Watch { invoiceEvents(invoiceId: 3) { event invoice { id state } } }";
const DELIVERY_EVERY_MS = 250;

/** Post the product's signed `emit` of invoice 3 to the gateway's /webhooks. */
async function deliver(pageUrl, secret) {
  const body = JSON.stringify({
    event: "emit", object_type: "Invoice", object_id: "3", contract_token: "t", contract_id: "3",
  });
  const requestId = randomUUID();
  const signature = createHmac("sha1", secret).update(requestId + body).digest("hex");
  const answer = await fetch(new URL("/webhooks", pageUrl), {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Request-Id": requestId, "X-Signature": signature },
    body,
  });
  return answer.status;
}

async function subscribe(page, pageUrl, secret, report) {
  const sockets = [];
  page.on("websocket", (socket) => {
    sockets.push(socket.url());
    socket.on("framesent", ({ payload }) => report.framesSent.push(String(payload).slice(0, 300)));
  });
  await page.locator(".graphiql-query-editor .CodeMirror").first()
    .evaluate((element, text) => element.CodeMirror.setValue(text), SUBSCRIPTION);
  // GraphiQL reads the new document's operation name a moment after the editor changes, and
  // titles the tab with it in the same update: run before that, it sends the previous
  // operation's name (`CreateInvoice`), which the gateway refuses.
  await page.locator(".graphiql-tab-active .graphiql-tab-button")
    .filter({ hasText: /^Watch$/ }).waitFor({ timeout: TIMEOUT_MS });
  await page.getByRole("button", { name: "Headers" }).click();
  await page.locator(".graphiql-editor-tool .CodeMirror:visible").first()
    .evaluate((element) => element.CodeMirror.setValue('{"Authorization": "Token token=sandbox"}'));
  await page.locator(".graphiql-execute-button").click();
  // GraphiQL gives no sign that the server listens: deliveries are posted until one shows.
  const shown = () => page.locator(".result-window .CodeMirror").first()
    .evaluate((element) => element.CodeMirror.getValue());
  const deadline = Date.now() + TIMEOUT_MS;
  report.deliveries = [];
  while (!(await shown()).includes('"EMIT"')) {
    if (Date.now() > deadline) throw new Error("no event shown in GraphiQL");
    report.deliveries.push(await deliver(pageUrl, secret));
    await page.waitForTimeout(DELIVERY_EVERY_MS);
  }
  report.sockets = sockets;
  report.eventShown = await shown();
}

async function run(pageUrl, screenshot, secret) {
  const profile = mkdtempSync(join(tmpdir(), "playground-chromium-"));
  const report = {
    requests: [], blocked: [], failed: [], consoleErrors: [], pageErrors: [], framesSent: [],
  };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  try {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.continue();
      report.blocked.push(url);
      return route.abort("blockedbyclient");
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on("request", (request) => report.requests.push(`${request.method()} ${request.url()}`));
    page.on("requestfailed", (request) =>
      report.failed.push(`${request.url()}: ${request.failure()?.errorText}`),
    );
    page.on("console", (message) => {
      if (message.type() === "error") report.consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => report.pageErrors.push(String(error)));

    const response = await page.goto(pageUrl, { waitUntil: "load" });
    report.status = response?.status();
    report.title = await page.title();

    const run = page.locator(".graphiql-execute-button");
    await run.waitFor({ state: "visible" });
    report.prefilledQuery = await editorText(page, ".graphiql-query-editor");
    report.prefilledVariables = await editorText(page, ".graphiql-editor-tool");

    const operation = page.waitForResponse((candidate) => {
      const request = candidate.request();
      return request.method() === "POST" && request.postDataJSON()?.operationName === "CreateInvoice";
    });
    await run.click();
    report.graphqlStatus = (await operation).status();

    await page.waitForFunction(
      () => (document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue() ?? "").includes('"createInvoice"'),
    );
    report.answerShown = await editorText(page, ".result-window");

    await saveScreenshot(page, screenshot, report);

    // The explorer plugin builds its tree from the schema, introspected offline as well.
    await page.getByRole("button", { name: "Show GraphiQL Explorer" }).click();
    const explorer = page.locator(".graphiql-plugin");
    await explorer.getByText("createInvoice", { exact: true }).waitFor();
    report.explorerShown = (await explorer.innerText()).slice(0, 2000);
    if (secret) await subscribe(page, pageUrl, secret, report);
    return report;
  } catch (error) {
    // Keep what was seen so far, and what the page looked like, for the failure message.
    report.error = String(error);
    const page = context.pages()[0];
    if (page) {
      report.textShown = (await page.locator("body").innerText().catch(() => "")).slice(0, 4000);
      await saveScreenshot(page, screenshot, report).catch(() => {});
    }
    return report;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main([pageUrl, screenshot, secret]) {
  if (!pageUrl || !screenshot) {
    console.error("usage: node playground-check.mjs <page url> <screenshot.png>");
    return 2;
  }
  const report = await run(pageUrl, screenshot, secret);
  console.log(JSON.stringify(report));
  return report.error ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
