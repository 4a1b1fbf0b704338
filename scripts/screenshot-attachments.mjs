// Takes docs/screenshot-attachments.png from a running HubApp (issue 23): alice (desktop) posts a photo and a PDF
// in #general, bob (a 390×844 phone) answers with a second picture; alice's composer holds a file refused as too
// large; then the image viewer open on both. With SCREENSHOT_VIEWS=<path prefix>, each view is also written as
// <prefix>-<view>.png for a close look. Same prerequisites as screenshot.mjs.
//   SCREENSHOT_SCRIPT=scripts/screenshot-attachments.mjs scripts/screenshot.sh docs/screenshot-attachments.png
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { framed as frame, launch, person as signIn, root } from "./screenshot-kit.mjs";

const baseURL = process.argv[2] ?? "http://127.0.0.1:5080";
const output = path.resolve(process.argv[3] ?? path.join(root, "docs", "screenshot-attachments.png"));
const views = process.env.SCREENSHOT_VIEWS ?? "";
const browser = await launch();
const person = (name, viewport, touch = false) => signIn(browser, baseURL, name, viewport, touch);
const framed = (shots, viewport, file) => frame(browser, shots, viewport, file);

/** A picture drawn in the page (a sky, hills, a sun), as PNG bytes. */
async function picture(page, width, height, hue) {
  const base64 = await page.evaluate(async ([width, height, hue]) => {
    const canvas = new OffscreenCanvas(width, height);
    const g = canvas.getContext("2d");
    const sky = g.createLinearGradient(0, 0, 0, height);
    sky.addColorStop(0, `hsl(${hue} 70% 75%)`);
    sky.addColorStop(1, `hsl(${hue + 30} 60% 92%)`);
    g.fillStyle = sky;
    g.fillRect(0, 0, width, height);
    g.fillStyle = "hsl(45 95% 60%)";
    g.beginPath();
    g.arc(width * 0.72, height * 0.3, height * 0.12, 0, Math.PI * 2);
    g.fill();
    for (const [offset, light] of [[0.55, 45], [0.7, 35]]) {
      g.fillStyle = `hsl(${hue + 120} 40% ${light}%)`;
      g.beginPath();
      g.moveTo(0, height);
      for (let x = 0; x <= width; x += 8) {
        g.lineTo(x, height * offset + Math.sin(x / (width / 5) + offset * 10) * height * 0.08);
      }
      g.lineTo(width, height);
      g.fill();
    }
    const blob = await canvas.convertToBlob({ type: "image/png" });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  }, [width, height, hue]);
  return Buffer.from(base64, "base64");
}

async function attach(page, files) {
  await page.locator("#attach-input").setInputFiles(files);
}

async function send(page, text, count) {
  await page.locator("#upload-chips > li[data-state=done]").nth(count - 1).waitFor();
  const box = page.locator("#message-input");
  await box.fill(text);
  await box.press("Enter");
  await page.locator("#upload-chips").waitFor({ state: "hidden" });
}

try {
  const alice = await person("alice", { width: 1100, height: 940 });
  const bob = await person("bob", { width: 390, height: 844 }, true);
  const pdf = Buffer.from("%PDF-1.4\n% the agenda\n" + "x".repeat(180_000) + "\n%%EOF\n");
  await attach(alice, [
    { name: "venue.png", mimeType: "image/png", buffer: await picture(alice, 1200, 800, 200) },
    { name: "offsite-agenda.pdf", mimeType: "application/pdf", buffer: pdf },
  ]);
  await send(alice, "Here's the venue for Thursday, and the agenda.", 2);
  await attach(bob, [{ name: "view-from-the-hotel.png", mimeType: "image/png", buffer: await picture(bob, 600, 900, 260) }]);
  await send(bob, "Nice! This is the view from the hotel 😄", 1);
  await alice.locator("#message-list .attachment-image img[src^='blob:']").nth(1).waitFor();
  await bob.locator("#message-list .attachment-image img[src^='blob:']").nth(1).waitFor();
  // A refused file stays in alice's composer with why, her text kept.
  await alice.locator("#message-input").fill("And the full video of the walk-through:");
  await attach(alice, [{ name: "walkthrough.mov", mimeType: "video/quicktime", buffer: Buffer.alloc(26 * 1024 * 1024) }]);
  await alice.locator("#upload-chips > li[data-state=failed]").waitFor();
  await alice.mouse.move(1000, 100);
  await alice.waitForTimeout(300);
  const aliceShot = await alice.screenshot();
  await bob.locator("#conversation-title").tap(); // A tap outside the lines: none shows its actions.
  await bob.waitForTimeout(300);
  const bobShot = await bob.screenshot();
  await bob.getByRole("button", { name: "Open image venue.png" }).tap();
  await bob.locator("#image-viewer-image[src^='blob:']").waitFor();
  await bob.waitForTimeout(300);
  const bobViewer = await bob.screenshot();
  await alice.getByRole("button", { name: "Open image view-from-the-hotel.png" }).click();
  await alice.locator("#image-viewer-image[src^='blob:']").waitFor();
  await alice.waitForTimeout(300);
  const aliceViewer = await alice.screenshot();
  await framed([["alice, desktop", aliceShot], ["bob, phone", bobShot], ["bob's viewer", bobViewer]], { width: 2080, height: 1010 }, output);
  if (views !== "") {
    for (const [name, shot] of [["desktop", aliceShot], ["phone", bobShot], ["phone-viewer", bobViewer], ["desktop-viewer", aliceViewer]]) {
      await writeFile(`${views}-${name}.png`, shot);
    }
  }
  console.log(`screenshot: ${output}`);
} finally {
  await browser.close();
}
