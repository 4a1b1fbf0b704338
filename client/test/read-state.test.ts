import { describe, expect, it } from "vitest";
import { badgeText, dividerAfter, ReadState, titleText, type Countable } from "../src/read-state";

const by = (authorId: string, ...ids: number[]): Countable[] => ids.map((id) => ({ id, authorId }));

describe("ReadState counting", () => {
  it("counts only message entries by other users", () => {
    const reads = new ReadState("me");
    reads.arrived("r:general", [
      { id: 1, authorId: "bob" },
      { id: 2, authorId: "me" },
      { id: 3, authorId: "bob", kind: "edit" },
      { id: 4, authorId: "bob", kind: "delete" },
      { id: 5, authorId: "carol", kind: "message" },
    ]);
    expect(reads.count("r:general")).toBe(2);
  });

  it("starts from the server's count and adds only what is newer than the snapshot it came with", () => {
    const reads = new ReadState("me");
    reads.baseline("r:general", 10, 3, 13);
    expect(reads.count("r:general")).toBe(3);
    // 12 and 13 are in the server's count already (a catch-up page, a replay); 14 is new.
    reads.arrived("r:general", by("bob", 12, 13, 14));
    expect(reads.count("r:general")).toBe(4);
  });

  it("keeps what arrived after the snapshot's newest id when a (re)join's snapshot lands late", () => {
    const reads = new ReadState("me");
    reads.arrived("r:general", by("bob", 21, 22));
    reads.baseline("r:general", 10, 5, 21);
    expect(reads.count("r:general")).toBe(6);
  });

  it("adds the channels up for the title", () => {
    const reads = new ReadState("me");
    reads.baseline("r:general", 0, 2, 2);
    reads.baseline("d:bob", 5, 1, 9);
    reads.arrived("r:random", by("bob", 1));
    expect(reads.total()).toBe(4);
  });
});

describe("ReadState markers", () => {
  it("reading the newest clears the count; the marker never moves back", () => {
    const reads = new ReadState("me");
    reads.baseline("r:general", 10, 3, 13);
    expect(reads.read("r:general", 13, by("bob", 11, 12, 13))).toBe(true);
    expect(reads.count("r:general")).toBe(0);
    expect(reads.read("r:general", 11, by("bob", 11, 12, 13))).toBe(false);
    expect(reads.lastReadId("r:general")).toBe(13);
    reads.arrived("r:general", by("bob", 12, 13));
    expect(reads.count("r:general")).toBe(0);
  });

  it("a marker moved short of the newest (another tab) leaves what is after it unread", () => {
    const reads = new ReadState("me");
    reads.baseline("r:general", 0, 4, 4);
    reads.arrived("r:general", by("bob", 5));
    expect(reads.count("r:general")).toBe(5);
    expect(reads.read("r:general", 3, [...by("bob", 1, 2, 3, 4), ...by("me", 5), ...by("bob", 5)])).toBe(true);
    expect(reads.count("r:general")).toBe(2);
  });

  it("a snapshot older than a marker this page moved does not bring the count back", () => {
    const reads = new ReadState("me");
    reads.arrived("r:general", by("bob", 1, 2, 3));
    reads.read("r:general", 3, by("bob", 1, 2, 3));
    reads.baseline("r:general", 1, 2, 3);
    expect(reads.lastReadId("r:general")).toBe(3);
    expect(reads.count("r:general")).toBe(0);
  });

  it("forgets a channel that was left", () => {
    const reads = new ReadState("me");
    reads.baseline("r:random", 0, 7, 7);
    reads.forget("r:random");
    expect(reads.count("r:random")).toBe(0);
    expect(reads.total()).toBe(0);
  });
});

describe("titleText and badgeText", () => {
  it("puts the total in front of the title, and nothing at none", () => {
    expect(titleText("HubApp chat", 0)).toBe("HubApp chat");
    expect(titleText("HubApp chat", 3)).toBe("(3) HubApp chat");
    expect(titleText("HubApp chat", 250)).toBe("(99+) HubApp chat");
    expect(badgeText(99)).toBe("99");
  });
});

describe("dividerAfter", () => {
  it("puts the divider after the marker when something is unread, and none when nothing is", () => {
    expect(dividerAfter(2, 40)).toBe(40);
    expect(dividerAfter(0, 40)).toBeNull();
  });

  it("reads a marker of 0 (a room never read) as everything unread: the divider goes above the first line", () => {
    expect(dividerAfter(5, 0)).toBe(0);
    expect(dividerAfter(0, 0)).toBeNull();
  });
});
