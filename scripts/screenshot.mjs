// Takes docs/screenshot.png from a running HubApp: alice on a desktop-width window and bob on a phone-width one
// chat in #general, bob and carol react, carol answers in a thread that alice has open, carol posts in #design,
// bob is caught typing. Then docs/screenshot-phone.png (beside it): erin
// on a 390×844 touch phone, new to #general (under "Today" and "New messages", her own line tapped to show its
// Edit and Delete), with the rooms drawer open, and writing to someone never seen here. Drives Debian's Chromium
// through playwright-core (see screenshot-kit.mjs).
//   node scripts/screenshot.mjs http://127.0.0.1:5080 [docs/screenshot.png]
// scripts/screenshot.sh starts a throwaway host and runs this against it.
import path from "node:path";
import { framed as frame, launch, person as signIn, root } from "./screenshot-kit.mjs";

const baseURL = process.argv[2] ?? "http://127.0.0.1:5080";
const output = path.resolve(process.argv[3] ?? path.join(root, "docs", "screenshot.png"));
const browser = await launch();
const person = (name, viewport, touch = false) => signIn(browser, baseURL, name, viewport, touch);
const framed = (shots, viewport, file) => frame(browser, shots, viewport, file);

async function say(page, text) {
  const box = page.locator("#message-input");
  await box.fill(text);
  await box.press("Enter");
  await page.locator("#message-list .message-text", { hasText: text }).first().waitFor();
  await page.waitForTimeout(250);
}

/** Reacts to the line that reads `text` with `emoji`, from its actions and the picker. */
async function react(page, text, emoji) {
  const line = page.locator("#message-list > li", { has: page.locator(".message-text", { hasText: text }) });
  await line.hover();
  await line.locator(".message-actions").getByRole("button", { name: "Add reaction", exact: true }).click();
  await page.getByRole("button", { name: `React with ${emoji}` }).click();
  await line.locator(`.reactions button[data-react="${emoji}"][aria-pressed="true"]`).waitFor();
}

/** Answers the line that reads `text` in its thread, then closes the thread. */
async function threadReply(page, text, reply) {
  const line = page.locator("#message-list > li", { has: page.locator(".message-text", { hasText: text }) });
  await line.hover();
  await line.getByRole("button", { name: "Reply in thread" }).click();
  const box = page.getByRole("textbox", { name: "Reply in thread" });
  await box.fill(reply);
  await box.press("Enter");
  await page.locator("#thread-list .message-text", { hasText: reply }).waitFor();
  await page.getByRole("button", { name: "Close thread" }).click();
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
  await react(bob, "Morning! Did the 2.4 release go out?", "🎉");
  await react(carol, "Morning! Did the 2.4 release go out?", "🎉");
  await react(carol, "It did: all three nodes", "👍");
  await react(alice, "It did: all three nodes", "🙏");
  await threadReply(carol, "It did: all three nodes", "Checked the dashboards: latency is flat since the rollout.");
  await threadReply(bob, "It did: all three nodes", "Same on the EU nodes.");
  await carol.getByRole("button", { name: "#design" }).click();
  await say(carol, "Mock-ups for the settings page are up.");
  await say(carol, "Feedback welcome before Friday!");
  await alice.locator("#message-list .thread-line", { hasText: "2 replies" }).click();
  await alice.locator("#thread-list .message-text", { hasText: "Same on the EU nodes." }).waitFor();
  await alice.mouse.move(900, 400); // Over the thread, not a line of the timeline: no line shows its actions.
  await alice.locator("#message-input").fill("Let me take a look after lunch");
  await bob.locator("#message-input").pressSequentially("Sounds good, I", { delay: 40 });
  await alice.locator("#typing", { hasText: "bob is typing…" }).waitFor();

  const [aliceShot, bobShot] = await Promise.all([alice.screenshot(), bob.screenshot()]);
  await framed([["alice, desktop", aliceShot], ["bob, phone", bobShot]], { width: 1500, height: 760 }, output);

  // The phone: erin, new here, taps her own line; opens the drawer; writes to someone never seen.
  const erin = await person("erin", { width: 390, height: 844 }, true);
  await say(erin, "Hi all! First day here 👋");
  await erin.locator("#message-list .message-text", { hasText: "First day here" }).tap();
  await erin.locator("#message-list > li.actions-open").waitFor();
  await erin.waitForTimeout(300); // The buttons fade in.
  const tapped = await erin.screenshot();
  await erin.locator("#message-list .message-text", { hasText: "First day here" }).tap();
  await erin.getByRole("button", { name: "Rooms and direct messages" }).click();
  await erin.locator("#drawer-backdrop").waitFor();
  await erin.waitForTimeout(300);
  const drawer = await erin.screenshot();
  await erin.getByLabel("Write to").fill("zed");
  await erin.getByRole("button", { name: "Write", exact: true }).click();
  await erin.locator("#conversation-notice").waitFor();
  await erin.waitForTimeout(300);
  const unseen = await erin.screenshot();
  // alice runs #town and mutes erin there for an hour: erin's page says so above her composer.
  await alice.getByRole("button", { name: "New room", exact: true }).click();
  await alice.getByRole("dialog", { name: "New room" }).getByLabel("Name").fill("town");
  await alice.getByRole("dialog", { name: "New room" }).getByRole("button", { name: "Create", exact: true }).click();
  await alice.locator("#conversation-title", { hasText: "#town" }).waitFor();
  await erin.getByRole("button", { name: "Rooms and direct messages" }).click();
  await erin.getByLabel("Join a room").fill("town");
  await erin.getByRole("button", { name: "Join", exact: true }).click();
  await erin.locator("#conversation-title", { hasText: "#town" }).waitFor();
  await say(alice, "Welcome to #town, erin. Please keep it on topic.");
  await alice.getByLabel("Ban or mute for").selectOption({ label: "1 hour" });
  await alice.getByRole("button", { name: "Mute erin", exact: true }).click();
  await erin.locator("#conversation-notice", { hasText: "muted" }).waitFor();
  await erin.waitForTimeout(300);
  const muted = await erin.screenshot();
  // Back in #general, erin opens the thread on bob's answer: the whole screen.
  await erin.getByRole("button", { name: "Rooms and direct messages" }).click();
  await erin.locator("#sidebar").getByRole("button", { name: /^#general/ }).click();
  await erin.locator("#message-list .thread-line", { hasText: "2 replies" }).tap();
  await erin.locator("#thread-list .message-text", { hasText: "Same on the EU nodes." }).waitFor();
  // Chromium hovers what ends up under the finger once the panel opens: a tap on its title lets that go.
  await erin.locator("#thread-title").tap();
  await erin.waitForTimeout(300);
  const thread = await erin.screenshot();
  const phoneOutput = path.join(path.dirname(output), "screenshot-phone.png");
  await framed([["new to #general, a line tapped", tapped], ["the rooms drawer", drawer], ["writing to someone never seen", unseen],
    ["muted in #town", muted], ["a thread, full screen", thread]], { width: 2200, height: 930 }, phoneOutput);
  console.log(`screenshots: ${output}, ${phoneOutput}`);
} finally {
  await browser.close();
}
