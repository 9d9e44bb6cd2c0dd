// Drives Debian's Chromium through the page, as a user would, and prints what it shows as one JSON
// line on stdout; the Java test (cli's WebPageIT) starts the servers and checks that JSON.
// Usage: node e2e/page-check.mjs URL SCREENSHOT_DIR WHATIF_YAML_FILE PREFIX
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, shots, whatIfFile, prefix] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
// The flags the machine needs: no sandbox as root, and no background calls to Google's hosts.
// Playwright gives each launch a new empty profile (--user-data-dir) of its own and removes it.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  headless: true,
  timeout: 60000,
});
// Uncaught errors of the page's own script; a refused call (404, 400) is no error of the page.
const out = { pageErrors: [], requests: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  page.setDefaultTimeout(30000);
  page.on("pageerror", (e) => out.pageErrors.push(String(e)));
  page.on("request", (r) => out.requests.push(r.url()));
  await page.goto(url);

  await page.waitForSelector("#policies tbody tr");
  out.policies = await page.$$eval("#policies tbody tr", (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));

  // The namespace matrix loads by itself; then pod x pod on 80/TCP.
  await page.waitForSelector("#matrix table.matrix");
  out.namespaceMatrix = await page.$$eval("#matrix td.cell", (tds) =>
    tds.map((td) => ({ from: td.dataset.from, to: td.dataset.to, text: td.textContent })));
  await page.screenshot({ path: join(shots, `${prefix}-overview.png`), fullPage: true });
  await page.fill("#matrix-ports", "80/TCP");
  await page.selectOption("#matrix-level", "pod");
  await page.click("#matrix-form button");
  await page.waitForSelector('#matrix table.matrix td[data-from="default/xwing"]');
  out.podMatrix = await page.$$eval("#matrix td.cell", (tds) =>
    tds.map((td) => ({ from: td.dataset.from, to: td.dataset.to, text: td.textContent, cls: td.className })));
  await page.locator("#matrix-section").screenshot({ path: join(shots, `${prefix}-matrix.png`) });

  // A bad port is refused with the entry named.
  await page.fill("#matrix-ports", "80/XYZ");
  await page.click("#matrix-form button");
  await page.waitForFunction(() => document.getElementById("matrix-error").textContent !== "");
  out.matrixError = await page.textContent("#matrix-error");

  // Flows: rows from the feed, or the note that there is none.
  await page.waitForFunction(() => document.getElementById("flows-note").textContent !== "");
  await page.waitForTimeout(500);
  out.flowsNote = await page.textContent("#flows-note");
  out.flows = await page.$$eval("#flows tbody tr", (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));

  // What-if: the sample policy widened to the Alliance.
  await page.fill("#whatif-yaml", readFileSync(whatIfFile, "utf8"));
  await page.fill("#whatif-ports", "80/TCP");
  await page.click("#whatif-form button");
  await page.waitForFunction(() => document.getElementById("whatif-summary").textContent !== "");
  out.whatIfSummary = await page.textContent("#whatif-summary");
  out.whatIf = await page.$$eval("#whatif tbody tr", (rows) =>
    rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
  await page.screenshot({ path: join(shots, `${prefix}-whatif.png`), fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
