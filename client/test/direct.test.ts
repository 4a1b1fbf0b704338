import { describe, expect, it } from "vitest";
import type { DirectMessage, DirectSync } from "../src/contract";
import { partnerOf, resolveUser, syncDirectMessages } from "../src/direct-sync";
import { mentions } from "../src/message-text";
import { shouldNotify } from "../src/notifications";

const dm = (id: number, from = "bob", to = "alice"): DirectMessage =>
  ({ id, fromUserId: from, fromUserName: from, toUserId: to, text: `m${id}`, sentAt: "2026-12-01T00:00:00.000Z" });

describe("syncDirectMessages", () => {
  it("asks again from the newest id while the answer is not complete, and returns the new sync point", async () => {
    const asked: (number | null)[] = [];
    const pages: DirectSync[] = [
      { messages: [dm(3), dm(7)], complete: false },
      { messages: [dm(9)], complete: true },
    ];
    const merged: number[] = [];
    const next = await syncDirectMessages(async (sinceId) => {
      asked.push(sinceId);
      return pages.shift()!;
    }, null, (messages) => merged.push(...messages.map((m) => m.id)));
    expect(asked).toEqual([null, 7]);
    expect(merged).toEqual([3, 7, 9]);
    expect(next).toBe(9);
  });

  it("keeps the sync point when nothing is new", async () => {
    expect(await syncDirectMessages(async () => ({ messages: [], complete: true }), 12, () => {})).toBe(12);
    expect(await syncDirectMessages(async () => ({ messages: [], complete: true }), null, () => {})).toBeNull();
  });
});

describe("partnerOf and resolveUser", () => {
  it("finds the other user of a direct message", () => {
    expect(partnerOf(dm(1, "bob", "alice"), "alice")).toBe("bob");
    expect(partnerOf(dm(1, "alice", "bob"), "alice")).toBe("bob");
  });

  it("takes a known id, then a known name (any case, with or without @), else the text as an id", () => {
    const known = new Map([["u-17", "Bob"], ["carol", "carol"]]);
    expect(resolveUser(" u-17 ", known)).toBe("u-17");
    expect(resolveUser("@bob", known)).toBe("u-17");
    expect(resolveUser("dave", known)).toBe("dave");
    expect(resolveUser("  @ ", known)).toBeNull();
  });
});

describe("notifications", () => {
  it("recognises @mentions of the whole name only", () => {
    expect(mentions("hey @alice, look", "alice")).toBe(true);
    expect(mentions("@Alice.", "alice")).toBe(true);
    expect(mentions("hey @alicex", "alice")).toBe(false);
    expect(mentions("mail alice@example.org", "alice")).toBe(false);
    expect(mentions("@a.b here", "a.b")).toBe(true);
    expect(mentions("@a.bc here", "a.b")).toBe(false);
  });

  it("notifies for direct messages and mentions not in view, or when the tab is hidden", () => {
    expect(shouldNotify({ direct: true, mention: false, open: false, hidden: false })).toBe(true);
    expect(shouldNotify({ direct: true, mention: false, open: true, hidden: false })).toBe(false);
    expect(shouldNotify({ direct: true, mention: false, open: true, hidden: true })).toBe(true);
    expect(shouldNotify({ direct: false, mention: true, open: false, hidden: false })).toBe(true);
    expect(shouldNotify({ direct: false, mention: false, open: false, hidden: true })).toBe(false);
  });
});
