// Takes docs/screenshot.png from a running HubApp: alice on a desktop-width window and bob on a phone-width one
// chat in #general, carol posts in #design, bob is caught typing. Drives Debian's Chromium through playwright-core
// (client/node_modules, from `npm ci --prefix client`); downloads no browser.
//   node scripts/screenshot.mjs http://127.0.0.1:5080 [docs/screenshot.png]
// scripts/screenshot.sh starts a throwaway host and runs this against it.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "client", "package.json"));
const { chromium } = require("playwright-core");

const baseURL = process.argv[2] ?? "http://127.0.0.1:5080";
const output = path.resolve(process.argv[3] ?? path.join(root, "docs", "screenshot.png"));
const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
  timeout: 30_000,
});

async function person(name, viewport) {
  const context = await browser.newContext({ baseURL, viewport, locale: "en-US", colorScheme: "light", deviceScaleFactor: 1 });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.locator("#status-text", { hasText: "Connected" }).waitFor();
  await page.locator("#conversation-title", { hasText: "#general" }).waitFor();
  return page;
}

async function say(page, text) {
  const box = page.locator("#message-input");
  await box.fill(text);
  await box.press("Enter");
  await page.locator("#message-list .message-text", { hasText: text }).first().waitFor();
  await page.waitForTimeout(250);
}

try {
  const alice = await person("alice", { width: 1040, height: 680 });
  const bob = await person("bob", { width: 390, height: 680 });
  const carol = await person("carol", { width: 800, height: 600 });

  for (const page of [alice, carol]) {
    await page.getByLabel("Join a room").fill("design");
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await page.locator("#conversation-title", { hasText: "#design" }).waitFor();
  }
  await alice.getByRole("button", { name: "#general" }).click();
  await carol.getByRole("button", { name: "#general" }).click();

  await say(alice, "Morning! Did the 2.4 release go out?");
  await say(bob, "It did: all three nodes, no errors so far.");
  await say(alice, "Nice. I restarted mine twice and the page caught up by itself.\nNothing missed, nothing twice.");
  await say(carol, "The new room list looks great on my phone too.");
  await say(bob, "<b>Markup</b> shows up as plain text, by the way.");
  await carol.getByRole("button", { name: "#design" }).click();
  await say(carol, "Mock-ups for the settings page are up.");
  await say(carol, "Feedback welcome before Friday!");
  await alice.locator("#message-input").fill("Let me take a look after lunch");
  await bob.locator("#message-input").pressSequentially("Sounds good, I", { delay: 40 });
  await alice.locator("#typing", { hasText: "bob is typing…" }).waitFor();

  const [aliceShot, bobShot] = await Promise.all([alice.screenshot(), bob.screenshot()]);
  const frame = await (await browser.newContext({ viewport: { width: 1500, height: 760 } })).newPage();
  await frame.setContent(`<!doctype html><html><body style="margin:0;background:#c9cde0;font:600 15px system-ui,sans-serif;color:#1c1f2b">
    <div style="display:flex;gap:30px;padding:20px 30px;align-items:flex-start">
      <figure style="margin:0"><figcaption style="margin-bottom:8px">alice, desktop</figcaption>
        <img style="display:block;border-radius:10px;box-shadow:0 8px 30px rgb(0 0 0 / 25%)" src="data:image/png;base64,${aliceShot.toString("base64")}"></figure>
      <figure style="margin:0"><figcaption style="margin-bottom:8px">bob, phone</figcaption>
        <img style="display:block;border-radius:10px;box-shadow:0 8px 30px rgb(0 0 0 / 25%)" src="data:image/png;base64,${bobShot.toString("base64")}"></figure>
    </div></body></html>`);
  await frame.screenshot({ path: output });
  console.log(`screenshot: ${output}`);
} finally {
  await browser.close();
}
