import { describe, expect, it, vi } from "vitest";
import source from "../public/sw.js?raw";
import { base64UrlBytes, targetOfMessage, targetOfUrl } from "../src/push-subscribe";

type Handler = (event: unknown) => void;

/** public/sw.js run against a fake ServiceWorkerGlobalScope: its handlers, and what they asked of the browser. */
function loadWorker(pages: { focus: () => Promise<void>; postMessage: (message: unknown) => void }[] = []) {
  const handlers = new Map<string, Handler>();
  const scope = {
    addEventListener: (type: string, handler: Handler) => handlers.set(type, handler),
    registration: { showNotification: vi.fn(() => Promise.resolve()) },
    clients: {
      matchAll: vi.fn(() => Promise.resolve(pages)),
      openWindow: vi.fn(() => Promise.resolve(null)),
    },
  };
  new Function("self", source)(scope);
  return { scope, dispatch: (type: string, event: unknown) => handlers.get(type)!(event) };
}

/** An ExtendableEvent: what it was told to wait for. */
function extendable<T extends object>(fields: T) {
  const waits: Promise<unknown>[] = [];
  return { event: { ...fields, waitUntil: (p: Promise<unknown>) => waits.push(p) }, done: () => Promise.all(waits) };
}

const mention = { kind: "mention", room: "general", id: 42, fromUserName: "Alice", text: "hi @bob" };
const direct = { kind: "direct", room: null, id: 7, fromUserName: "Alice", text: "psst" };

describe("service worker: push", () => {
  it("shows a mention with the sender as title, the text as body, a tag per room and the room to go to", async () => {
    const { scope, dispatch } = loadWorker();
    const { event, done } = extendable({ data: { json: () => mention } });
    dispatch("push", event);
    await done();
    expect(scope.registration.showNotification).toHaveBeenCalledWith("Alice", {
      body: "hi @bob",
      tag: "r:general",
      data: { kind: "room", name: "general" },
    });
  });

  it("shows a direct message tagged by its conversation", async () => {
    const { scope, dispatch } = loadWorker();
    const { event, done } = extendable({ data: { json: () => direct } });
    dispatch("push", event);
    await done();
    expect(scope.registration.showNotification).toHaveBeenCalledWith("Alice", {
      body: "psst",
      tag: "d:Alice",
      data: { kind: "direct", fromUserName: "Alice" },
    });
  });

  it("still shows a notification for a payload that is not JSON (a push must show one)", async () => {
    const { scope, dispatch } = loadWorker();
    const { event, done } = extendable({ data: { json: () => { throw new SyntaxError("not JSON"); } } });
    dispatch("push", event);
    await done();
    expect(scope.registration.showNotification).toHaveBeenCalledOnce();
    expect(scope.registration.showNotification.mock.calls[0]).toEqual(["HubApp", { body: "", tag: "d:", data: { kind: "direct", fromUserName: "" } }]);
  });
});

describe("service worker: notificationclick", () => {
  it("focuses an open page and tells it where to go", async () => {
    const page = { focus: vi.fn(() => Promise.resolve()), postMessage: vi.fn() };
    const { scope, dispatch } = loadWorker([page]);
    const close = vi.fn();
    const { event, done } = extendable({ notification: { close, data: { kind: "room", name: "general" } } });
    dispatch("notificationclick", event);
    await done();
    expect(close).toHaveBeenCalledOnce();
    expect(page.focus).toHaveBeenCalledOnce();
    expect(page.postMessage).toHaveBeenCalledWith({ type: "hubapp.open", target: { kind: "room", name: "general" } });
    expect(scope.clients.openWindow).not.toHaveBeenCalled();
    expect(targetOfMessage(page.postMessage.mock.calls[0][0])).toEqual({ kind: "room", name: "general" });
  });

  it("opens a page on the conversation when none is open", async () => {
    const { scope, dispatch } = loadWorker([]);
    const { event, done } = extendable({ notification: { close: vi.fn(), data: { kind: "direct", fromUserName: "Al ice" } } });
    dispatch("notificationclick", event);
    await done();
    expect(scope.clients.openWindow).toHaveBeenCalledWith("/?open=dm%3AAl%20ice");
    expect(targetOfUrl("?open=dm%3AAl%20ice")).toEqual({ kind: "direct", fromUserName: "Al ice" });
  });
});

describe("push-subscribe", () => {
  it("reads only its own messages and URLs", () => {
    expect(targetOfMessage({ type: "other", target: { kind: "room", name: "x" } })).toBeNull();
    expect(targetOfMessage({ type: "hubapp.open", target: { kind: "room" } })).toBeNull();
    expect(targetOfUrl("?open=room%3Ageneral")).toEqual({ kind: "room", name: "general" });
    expect(targetOfUrl("?room=general")).toBeNull();
  });

  it("decodes a base64url key", () => {
    expect([...base64UrlBytes("BP-_AQ")]).toEqual([0x04, 0xff, 0xbf, 0x01]);
  });
});
