import { HttpTransportType } from "@microsoft/signalr";
import { describe, expect, it } from "vitest";
import { fromWire, type ChatMessage, type RoomSnapshot } from "../src/contract";
import { connectionPlans, hubProtocol, mayFallBack } from "../src/transports";

describe("fromWire", () => {
  const sentAt = "2026-12-01T09:30:00.123Z";

  it("turns MessagePack's Date timestamps into the ISO strings JSON carries, at any depth", () => {
    const snapshot = fromWire<RoomSnapshot>({
      room: "general",
      members: [{ userId: "alice", userName: "Alice" }],
      messages: [{ id: 1, room: "general", userId: "alice", userName: "Alice", text: "hi", sentAt: new Date(sentAt) }],
      complete: true,
    });

    expect(snapshot.messages[0]!.sentAt).toBe(sentAt);
    expect(snapshot.members).toEqual([{ userId: "alice", userName: "Alice" }]);
    expect(snapshot.complete).toBe(true);
  });

  it("gives the same message from either protocol", () => {
    const fromJson = { id: 7, room: "general", userId: "bob", userName: "Bob", text: "héllo 👋 <b>", sentAt };
    const fromMessagePack = { ...fromJson, sentAt: new Date(sentAt) };

    expect(fromWire<ChatMessage>(fromMessagePack)).toEqual(fromWire<ChatMessage>(fromJson));
    expect(fromWire<ChatMessage>(fromJson)).toEqual(fromJson);
  });

  it("leaves nulls, numbers, strings and empty results alone", () => {
    expect(fromWire(null)).toBeNull();
    expect(fromWire(undefined)).toBeUndefined();
    expect(fromWire(42)).toBe(42);
    expect(fromWire("2026-12-01")).toBe("2026-12-01");
    expect(fromWire([])).toEqual([]);
    expect(fromWire({ at: null })).toEqual({ at: null });
  });
});

describe("connectionPlans", () => {
  it("tries SignalR's transports in its own order, MessagePack wherever binary goes through", () => {
    expect(connectionPlans.map((p) => [p.transport, p.protocol])).toEqual([
      [HttpTransportType.WebSockets, "messagepack"],
      [HttpTransportType.ServerSentEvents, "json"],
      [HttpTransportType.LongPolling, "messagepack"],
    ]);
    expect(connectionPlans.map((p) => hubProtocol(p).name)).toEqual(["messagepack", "json", "messagepack"]);
  });

  it("falls back when a transport fails, not when negotiate was refused", () => {
    const negotiate = Object.assign(new Error("Failed to complete negotiation with the server: Error: Status code '401'"), {
      errorType: "FailedToNegotiateWithServerError",
    });
    const transport = Object.assign(new Error("WebSockets failed: Error: WebSocket failed to connect."), {
      errorType: "FailedToStartTransportError",
    });

    expect(mayFallBack(negotiate)).toBe(false);
    expect(mayFallBack(transport)).toBe(true);
    expect(mayFallBack(new Error("Server returned handshake error: connection closed"))).toBe(true);
  });
});
