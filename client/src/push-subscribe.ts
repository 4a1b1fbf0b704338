/**
 * Web Push for this browser (docs/protocol.md, "Push notifications"): the host's key from `GET /api/push/key`, the
 * service worker (/sw.js), `pushManager.subscribe`, and the subscription posted to (or deleted from)
 * `/api/push/subscriptions`. Permission is not asked here: notifications.ts owns it and calls `subscribe` once granted.
 */

/** Where a push leads, as the service worker posts it (sw.js) or names it in the URL it opens. */
export type PushTarget = { kind: "room"; name: string } | { kind: "direct"; fromUserName: string };

export const openMessageType = "hubapp.open";
export const workerUrl = "/sw.js";

/** The target of a service worker's message, or null for any other message. */
export function targetOfMessage(data: unknown): PushTarget | null {
  if (typeof data !== "object" || data === null || (data as { type?: unknown }).type !== openMessageType) {
    return null;
  }
  const target = (data as { target?: { kind?: unknown; name?: unknown; fromUserName?: unknown } }).target;
  if (target?.kind === "room" && typeof target.name === "string") {
    return { kind: "room", name: target.name };
  }
  return target?.kind === "direct" && typeof target.fromUserName === "string" ? { kind: "direct", fromUserName: target.fromUserName } : null;
}

/** The target named by `?open=room:NAME` or `?open=dm:USERNAME` (a page the service worker opened), or null. */
export function targetOfUrl(search: string): PushTarget | null {
  const open = new URLSearchParams(search).get("open");
  if (open?.startsWith("room:")) {
    return { kind: "room", name: open.slice("room:".length) };
  }
  return open?.startsWith("dm:") ? { kind: "direct", fromUserName: open.slice("dm:".length) } : null;
}

/** base64url to bytes (the VAPID key as `applicationServerKey`). */
export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export class WebPush {
  constructor(
    private readonly token: () => Promise<string>,
    private readonly explain: (message: string) => void,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  static get supported(): boolean {
    return typeof navigator !== "undefined" && "serviceWorker" in navigator && typeof window !== "undefined" && "PushManager" in window;
  }

  /** Subscribes this browser for the signed-in user; says why not when it cannot (the page keeps working either way). */
  async subscribe(): Promise<boolean> {
    if (!WebPush.supported) {
      return false;
    }
    const key = await this.fetcher("/api/push/key").catch(() => null);
    if (!key?.ok) {
      this.explain("This server sends no push notifications: you are notified while this page is open.");
      return false;
    }
    const { publicKey } = (await key.json()) as { publicKey: string };
    let subscription: PushSubscription;
    try {
      const registration = await navigator.serviceWorker.register(workerUrl);
      await navigator.serviceWorker.ready;
      subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(publicKey) });
    } catch {
      this.explain("This browser could not subscribe to push notifications: you are notified while this page is open.");
      return false;
    }
    const posted = await this.send("POST", subscription.toJSON());
    if (!posted) {
      this.explain("The server did not take this browser's push subscription: you are notified while this page is open.");
    }
    return posted;
  }

  /** Forgets this browser's subscription, at the server first (while the token is still good), then in the browser. */
  async unsubscribe(): Promise<void> {
    if (!WebPush.supported) {
      return;
    }
    const registration = await navigator.serviceWorker.getRegistration(workerUrl).catch(() => undefined);
    const subscription = await registration?.pushManager.getSubscription().catch(() => null);
    if (subscription) {
      await this.send("DELETE", { endpoint: subscription.endpoint });
      await subscription.unsubscribe().catch(() => false);
    }
  }

  private async send(method: "POST" | "DELETE", body: unknown): Promise<boolean> {
    try {
      const response = await this.fetcher("/api/push/subscriptions", {
        method,
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${await this.token()}` },
        body: JSON.stringify(body),
      });
      return response.ok;
    } catch {
      return false;
    }
  }
}

/** Calls `open` for each push the user clicks while a page is open (the service worker's message). */
export function onPushClicks(open: (target: PushTarget) => void, signal: AbortSignal): void {
  if (typeof navigator !== "undefined" && "serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      const target = targetOfMessage(event.data);
      if (target) {
        open(target);
      }
    }, { signal });
  }
}

/** The target of the page's URL (a page the service worker opened), taken once: the URL is put back to plain. */
export function takeUrlTarget(): PushTarget | null {
  const target = targetOfUrl(location.search);
  if (target) {
    history.replaceState(null, "", location.pathname);
  }
  return target;
}
