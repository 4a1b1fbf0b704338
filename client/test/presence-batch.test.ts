import { describe, expect, it } from "vitest";
import type { AttachmentFiles } from "../src/attachment-files";
import type { ChatConnection } from "../src/connection";
import type { PresenceBatch } from "../src/contract";
import type { Outbox } from "../src/outbox";
import { People } from "../src/people";
import { batchedPresenceQuery, presenceChanges } from "../src/presence-batch";
import { RoomConversation, type RoomContext } from "../src/room-conversation";
import type { RoomTyping } from "../src/session-typing";

const batch = (joined: string[], left: string[]): PresenceBatch => ({
  room: "general",
  joined: joined.map((u) => ({ userId: u, userName: u.toUpperCase() })),
  left: left.map((u) => ({ userId: u, userName: u.toUpperCase() })),
  at: "2026-12-07T10:00:00.000Z",
});

function room(): RoomConversation {
  const context: RoomContext = {
    me: "alice", connection: {} as ChatConnection, outbox: {} as Outbox, people: new People("alice", "alice"), files: {} as AttachmentFiles,
    listener: { messages: () => {}, updated: () => {} }, report: () => {},
    typing: { indicators: { clear: () => {} } } as unknown as RoomTyping, holds: () => true,
  };
  return new RoomConversation("general", context);
}

describe("batched presence (PresenceChanged)", () => {
  it("asks for it in the hub URL's query", () => {
    expect(batchedPresenceQuery).toBe("?presence=batched");
  });

  it("turns a batch into the single changes a member list applies, leaves first, with the batch's room and time", () => {
    expect(presenceChanges(batch(["carol"], ["bob"]))).toEqual([
      [{ room: "general", userId: "bob", userName: "BOB", at: "2026-12-07T10:00:00.000Z" }, false],
      [{ room: "general", userId: "carol", userName: "CAROL", at: "2026-12-07T10:00:00.000Z" }, true],
    ]);
  });

  it("applies to the members as set operations: a user named in the state the list already has changes nothing", () => {
    const conversation = room();
    conversation.resetMembers([{ userId: "alice", userName: "alice" }, { userId: "bob", userName: "BOB" }]);
    for (const [event, present] of presenceChanges(batch(["alice", "carol"], ["bob", "dave"]))) {
      conversation.setPresent(event, present);
    }
    expect([...conversation.members.keys()].sort()).toEqual(["alice", "carol"]);
  });

  it("keeps a batch that came during the join for the snapshot, which it follows", () => {
    const conversation = room();
    conversation.presenceDuringJoin = [];
    for (const change of presenceChanges(batch(["carol"], ["bob"]))) {
      conversation.presenceDuringJoin.push(change);
    }
    conversation.resetMembers([{ userId: "alice", userName: "alice" }, { userId: "bob", userName: "BOB" }]);
    expect([...conversation.members.keys()].sort()).toEqual(["alice", "carol"]);
  });
});
