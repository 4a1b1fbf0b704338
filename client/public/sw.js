// HubApp's service worker: shows a Web Push (docs/protocol.md, "Push notifications") as a notification, and on a click
// brings the page forward (or opens one) on the room or conversation the push was about. Plain script, served as it is
// from the page's origin (the Content-Security-Policy's default-src 'self' covers workers), outside the hashed bundle
// so that its URL, and with it the registration, stays the same across builds.
"use strict";

const openMessage = "hubapp.open";

/** Where a push leads: the room of a mention, or the conversation with a direct message's sender. */
function targetOf(data) {
  return data.kind === "mention" && typeof data.room === "string"
    ? { kind: "room", name: data.room }
    : { kind: "direct", fromUserName: String(data.fromUserName ?? "") };
}

/** showNotification's arguments for a push's payload: one notification per room or conversation (a newer replaces it). */
function notificationOf(data) {
  const target = targetOf(data);
  return {
    title: String(data.fromUserName ?? "HubApp"),
    options: {
      body: String(data.text ?? ""),
      tag: target.kind === "room" ? `r:${target.name}` : `d:${target.fromUserName}`,
      data: target,
    },
  };
}

/** The page's URL that opens on <target> when no page is open (read once by the page, see push-subscribe.ts). */
function urlOf(target) {
  const open = target.kind === "room" ? `room:${target.name}` : `dm:${target.fromUserName}`;
  return `/?open=${encodeURIComponent(open)}`;
}

function payloadOf(event) {
  try {
    return event.data ? event.data.json() : {};
  } catch {
    return {};
  }
}

self.addEventListener("push", (event) => {
  const { title, options } = notificationOf(payloadOf(event));
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = event.notification.data ?? { kind: "none" };
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const page = pages[0];
    if (page) {
      await page.focus();
      page.postMessage({ type: openMessage, target });
      return;
    }
    await self.clients.openWindow(target.kind === "none" ? "/" : urlOf(target));
  })());
});
