import { describe, expect, it } from "vitest";
import { groupResults, highlight, queryWords, searchable } from "../src/search-text";
import { candidates, complete, mentionAt } from "../src/mention-query";
import { mentions, mentionsMe } from "../src/message-text";

describe("search highlight", () => {
  it("marks each word of the text that begins with a query word, whatever its case", () => {
    expect(highlight("Deploy the release, then release notes", "release DEP")).toEqual([
      { text: "Dep", hit: true }, { text: "loy the ", hit: false }, { text: "release", hit: true }, { text: ", then ", hit: false },
      { text: "release", hit: true }, { text: " notes", hit: false },
    ]);
  });

  it("marks nothing inside a word, and leaves text with no query words whole", () => {
    expect(highlight("unreleased", "release")).toEqual([{ text: "unreleased", hit: false }]);
    expect(highlight("anything", "!!")).toEqual([{ text: "anything", hit: false }]);
  });

  it("reads the query's words as the server does, and refuses a query without any", () => {
    expect(queryWords("Hello, hello WORLD")).toEqual(["hello", "world"]);
    expect(searchable("  ")).toBe(false);
    expect(searchable("?!")).toBe(false);
    expect(searchable("x".repeat(257))).toBe(false);
    expect(searchable("ok")).toBe(true);
  });
});

describe("mentions", () => {
  const me = { userId: "alice", userName: "Alice" };

  it("takes the server's mentions when it sent them, else the text", () => {
    expect(mentionsMe({ text: "no at-sign here", mentions: ["alice"] }, me)).toBe(true);
    expect(mentionsMe({ text: "@alice hi", mentions: [] }, me)).toBe(false);
    expect(mentionsMe({ text: "hi @Alice." }, me)).toBe(true);
    expect(mentionsMe({ text: "hi @alice.smith" }, me)).toBe(false);
  });

  it("matches any of the user's names, the longest first", () => {
    expect(mentions("ping @u-17", ["u-17", "bob"])).toBe(true);
    expect(mentions("ping @bob", ["u-17", "bob"])).toBe(true);
    expect(mentions("ping @bobby", ["u-17", "bob"])).toBe(false);
  });
});

describe("mention completion", () => {
  const members = [
    { userId: "bob", userName: "bob" }, { userId: "alice", userName: "alice" },
    { userId: "al", userName: "Albert" }, { userId: "sal", userName: "sally" },
  ];

  it("finds the @ being typed, not an address or one already ended", () => {
    expect(mentionAt("hi @al", 6)).toEqual({ start: 3, prefix: "al" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, prefix: "" });
    expect(mentionAt("mail bob@al", 11)).toBeNull();
    expect(mentionAt("hi @al there", 12)).toBeNull();
  });

  it("offers members whose id or name begins with it first, never the user", () => {
    expect(candidates(members, "al", "alice").map((m) => m.userId)).toEqual(["al", "sal"]);
    expect(candidates(members, "", "alice").map((m) => m.userId)).toEqual(["al", "bob", "sal"]);
  });

  it("puts @userId and a space in place of what was typed", () => {
    expect(complete("hi @al, ok", { start: 3, prefix: "al" }, "albert")).toEqual({ text: "hi @albert , ok", caret: 11 });
    expect(complete("hi @b", { start: 3, prefix: "b" }, "bob")).toEqual({ text: "hi @bob ", caret: 8 });
  });
});

describe("search results", () => {
  const room = (id: number, name: string, text: string, threadId: number | null = null) =>
    ({ id, room: name, userName: "bob", text, sentAt: "2026-12-06T10:00:00.000Z", threadId });
  const dm = (id: number, from: string, to: string, text: string) =>
    ({ id, fromUserId: from, fromUserName: from, toUserId: to, text, sentAt: "2026-12-06T10:00:00.000Z" });

  it("groups room results by room in the order they come, then one group of direct messages, each with where it is", () => {
    const groups = groupResults([room(9, "dev", "a"), room(8, "general", "b"), room(7, "dev", "c", 3)], [dm(5, "alice", "carol", "d"), dm(4, "carol", "alice", "e")], "alice");
    expect(groups.map((g) => [g.title, g.found.map((f) => f.id)])).toEqual([["#dev", [9, 7]], ["#general", [8]], ["Direct messages", [5, 4]]]);
    expect(groups[0]!.found[1]).toMatchObject({ room: "dev", threadId: 3, partnerId: null });
    expect(groups[2]!.found.map((f) => f.partnerId)).toEqual(["carol", "carol"]);
  });

  it("leaves out the direct messages group when none was found", () => {
    expect(groupResults([room(1, "dev", "a")], [], "alice").map((g) => g.title)).toEqual(["#dev"]);
  });
});
