import { describe, expect, it } from "vitest";
import { foldReaction, isMine, reactionsOf, serverReactions, validEmoji, whoReacted, type ReactionEntry } from "../src/reactions";

const react = (id: number, authorId: string, emoji: string): ReactionEntry => ({ id, kind: "react", authorId, text: emoji });
const unreact = (id: number, authorId: string, emoji: string): ReactionEntry => ({ id, kind: "unreact", authorId, text: emoji });

describe("reactions", () => {
  it("adds a user's emoji, counts each user once, and makes a new reaction for a new emoji", () => {
    let state = reactionsOf({ reactions: null }, 1);
    state = foldReaction(state, react(2, "alice", "👍"));
    state = foldReaction(state, react(3, "bob", "👍"));
    state = foldReaction(state, react(4, "bob", "🎉"));
    expect(state.list).toEqual([
      { emoji: "👍", count: 2, userIds: ["alice", "bob"] },
      { emoji: "🎉", count: 1, userIds: ["bob"] },
    ]);
    expect(state.asOf).toBe(4);
  });

  it("removes a user's emoji and drops a reaction nobody has any more", () => {
    let state = reactionsOf({ reactions: [{ emoji: "👍", count: 2, userIds: ["alice", "bob"] }, { emoji: "🎉", count: 1, userIds: ["bob"] }] }, 5);
    state = foldReaction(state, unreact(6, "alice", "👍"));
    state = foldReaction(state, unreact(7, "bob", "🎉"));
    expect(state.list).toEqual([{ emoji: "👍", count: 1, userIds: ["bob"] }]);
  });

  it("ignores entries the stored copy already accounts for, replays, and other kinds", () => {
    const stored = reactionsOf({ reactions: [{ emoji: "👍", count: 1, userIds: ["alice"] }] }, 10);
    expect(foldReaction(stored, react(9, "bob", "👍"))).toBe(stored);
    expect(foldReaction(stored, unreact(10, "alice", "👍"))).toBe(stored);
    expect(foldReaction(stored, { id: 11, kind: "edit", authorId: "alice", text: "x" })).toBe(stored);
    const again = foldReaction(stored, react(12, "alice", "👍"));
    expect(again.list).toEqual(stored.list);
  });

  it("lets the server's state win over what was folded before it, not over what came after", () => {
    let state = foldReaction(reactionsOf({}, 1), react(2, "alice", "👍"));
    state = serverReactions(state, { reactions: [{ emoji: "👍", count: 3, userIds: ["alice", "bob", "carol"] }] }, 5);
    expect(state.list[0]!.count).toBe(3);
    const later = foldReaction(state, unreact(6, "carol", "👍"));
    expect(serverReactions(later, { reactions: [] }, 4)).toBe(later);
    expect(later.list).toEqual([{ emoji: "👍", count: 2, userIds: ["alice", "bob"] }]);
  });

  it("counts users beyond the 50 listed when one of them reacts or takes it back", () => {
    const many = reactionsOf({ reactions: [{ emoji: "👍", count: 60, userIds: ["alice"] }] }, 1);
    expect(foldReaction(many, react(2, "zed", "👍")).list[0]).toEqual({ emoji: "👍", count: 61, userIds: ["alice", "zed"] });
    expect(foldReaction(many, unreact(2, "alice", "👍")).list[0]).toEqual({ emoji: "👍", count: 59, userIds: [] });
  });

  it("says who reacted, the user as you, and whether a reaction is the user's", () => {
    const names = (id: string) => id.toUpperCase();
    expect(whoReacted({ emoji: "👍", count: 1, userIds: ["bob"] }, names, "alice")).toBe("BOB reacted with 👍");
    expect(whoReacted({ emoji: "👍", count: 2, userIds: ["alice", "bob"] }, names, "alice")).toBe("you and BOB reacted with 👍");
    expect(whoReacted({ emoji: "🎉", count: 5, userIds: ["bob", "carol"] }, names, "alice")).toBe("BOB, CAROL and 3 others reacted with 🎉");
    expect(isMine({ emoji: "👍", count: 2, userIds: ["alice", "bob"] }, "alice")).toBe(true);
    expect(isMine({ emoji: "👍", count: 2, userIds: ["bob"] }, "alice")).toBe(false);
  });

  it("takes emoji and short codes of 1–32 code units without white space", () => {
    expect(validEmoji("👍")).toBe(true);
    expect(validEmoji(":shipit:")).toBe(true);
    expect(validEmoji("")).toBe(false);
    expect(validEmoji("thumbs up")).toBe(false);
    expect(validEmoji("x".repeat(33))).toBe(false);
    expect(validEmoji("a\u0007")).toBe(false);
  });
});
