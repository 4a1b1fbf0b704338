// What the screenshot scripts share: Debian's Chromium through playwright-core (client/node_modules, from
// `npm ci --prefix client`; no browser is downloaded), a person signed in on a page of their own, and the framed
// composition of several shots.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "client", "package.json"));
const { chromium } = require("playwright-core");

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    timeout: 30_000,
  });
}

/** A person signed in on a page of their own (a browser context: their own storage), with #general open. */
export async function person(browser, baseURL, name, viewport, touch = false) {
  const context = await browser.newContext({ baseURL, viewport, locale: "en-US", colorScheme: "light", deviceScaleFactor: 1, hasTouch: touch, isMobile: touch });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Your name").fill(name);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.locator("#status-text", { hasText: "Connected" }).waitFor();
  await page.locator("#conversation-title", { hasText: "#general" }).waitFor();
  return page;
}

/** The shots side by side with their captions, on a plain background, into `file`. */
export async function framed(browser, shots, viewport, file) {
  const frame = await (await browser.newContext({ viewport })).newPage();
  await frame.setContent(`<!doctype html><html><body style="margin:0;background:#c9cde0;font:600 15px system-ui,sans-serif;color:#1c1f2b">
    <div style="display:flex;gap:30px;padding:20px 30px;align-items:flex-start">
      ${shots.map(([caption, shot]) => `<figure style="margin:0"><figcaption style="margin-bottom:8px">${caption}</figcaption>
        <img style="display:block;border-radius:10px;box-shadow:0 8px 30px rgb(0 0 0 / 25%)" src="data:image/png;base64,${shot.toString("base64")}"></figure>`).join("")}
    </div></body></html>`);
  await frame.screenshot({ path: file });
}
