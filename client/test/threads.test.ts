import { describe, expect, it } from "vitest";
import { foldReply, foldReplyDeleted, participantsText, replyCountText, serverThread, threadOf } from "../src/threads";
import { quoteOf } from "../src/reply-quote";

const reply = (id: number, authorId: string, minute: number) => ({ id, authorId, sentAt: `2026-12-06T10:${String(minute).padStart(2, "0")}:00.000Z` });

describe("thread summaries", () => {
  it("folds arriving replies onto a root that had none: count, last reply, participants with the root's author first", () => {
    let thread = threadOf({ thread: null }, 1);
    thread = foldReply(thread, reply(2, "bob", 1), "alice");
    thread = foldReply(thread, reply(3, "carol", 2), "alice");
    thread = foldReply(thread, reply(4, "bob", 3), "alice");
    expect(thread.summary).toEqual({ replyCount: 3, lastReplyAt: "2026-12-06T10:03:00.000Z", participantIds: ["alice", "bob", "carol"] });
  });

  it("counts a reply the stored root already includes, or one delivered twice, once", () => {
    const stored = threadOf({ thread: { replyCount: 2, lastReplyAt: "2026-12-06T10:02:00.000Z", participantIds: ["alice", "bob"] } }, 5);
    expect(foldReply(stored, reply(4, "bob", 2), "alice")).toBe(stored);
    const once = foldReply(stored, reply(6, "carol", 3), "alice");
    expect(foldReply(once, reply(6, "carol", 3), "alice")).toBe(once);
    expect(once.summary.replyCount).toBe(3);
  });

  it("takes a deleted reply off the count, and the server's copy of the root wins over what was folded before it", () => {
    let thread = foldReply(threadOf({}, 1), reply(2, "bob", 1), "alice");
    thread = foldReplyDeleted(thread, 3);
    expect(thread.summary.replyCount).toBe(0);
    expect(thread.summary.lastReplyAt).toBeNull();
    const server = serverThread(thread, { thread: { replyCount: 4, lastReplyAt: "2026-12-06T10:09:00.000Z", participantIds: ["alice", "dave"] } }, 9);
    expect(server.summary.replyCount).toBe(4);
    expect(serverThread(server, { thread: null }, 8)).toBe(server);
  });

  it("stops listing participants at 20, as the server does", () => {
    let thread = threadOf({}, 0);
    for (let i = 1; i <= 25; i++) {
      thread = foldReply(thread, reply(i, `u${i}`, i % 60), "root");
    }
    expect(thread.summary.replyCount).toBe(25);
    expect(thread.summary.participantIds).toHaveLength(20);
  });

  it("reads as the root's thread line", () => {
    expect(replyCountText({ replyCount: 1, lastReplyAt: null, participantIds: [] })).toBe("1 reply");
    expect(replyCountText({ replyCount: 3, lastReplyAt: null, participantIds: [] })).toBe("3 replies");
    expect(replyCountText({ replyCount: 0, lastReplyAt: null, participantIds: [] })).toBe("");
    expect(participantsText({ replyCount: 2, lastReplyAt: null, participantIds: ["alice", "bob", "carol"] }, (id) => id.toUpperCase(), "carol")).toBe("ALICE, BOB and you");
  });
});

describe("reply quotes", () => {
  const shown = (text: string, deleted = false) => ({ text, edited: false, deleted, editedAt: null, editId: 0 });

  it("quotes the parent's current text on one line, cut when long", () => {
    expect(quoteOf({ authorName: "bob" }, shown("see\nyou  at 5"))).toEqual({ authorName: "bob", text: "see you at 5", gone: false });
    const long = quoteOf({ authorName: "bob" }, shown("x".repeat(300)));
    expect(long.text).toHaveLength(140);
    expect(long.text.endsWith("…")).toBe(true);
  });

  it("shows a deleted parent as a deleted message, never its text", () => {
    expect(quoteOf({ authorName: "bob" }, shown("", true))).toEqual({ authorName: "bob", text: "deleted message", gone: true });
    expect(quoteOf({ authorName: "bob" }, { ...shown("old text"), deleted: true })).toMatchObject({ text: "deleted message", gone: true });
  });

  it("says so when the parent is not there at all (pruned, or never stored)", () => {
    expect(quoteOf(null, null)).toEqual({ authorName: "", text: "message not available", gone: true });
  });
});
