import { describe, expect, it } from "vitest";
import type { AttachmentFiles } from "../src/attachment-files";
import type { ChatConnection } from "../src/connection";
import type { ChatMessage } from "../src/contract";
import type { Outbox } from "../src/outbox";
import { People } from "../src/people";
import { RoomConversation, type RoomContext } from "../src/room-conversation";
import type { RoomTyping } from "../src/session-typing";

const message = (id: number): ChatMessage => ({ id, room: "general", userId: "bob", userName: "bob", text: `m${id}`, sentAt: "2026-12-06T10:00:00.000Z", kind: "message" });

function room(answer: (ids: number[]) => ChatMessage[] | Promise<ChatMessage[]>) {
  const calls: unknown[][] = [];
  const connection = {
    call: async (method: string, ...args: unknown[]) => {
      calls.push([method, ...args]);
      return answer(args[1] as number[]);
    },
  } as unknown as ChatConnection;
  const context: RoomContext = {
    me: "alice", connection, outbox: {} as Outbox, people: new People("alice", "alice"), files: {} as AttachmentFiles,
    listener: { messages: () => {}, updated: () => {} }, report: () => {}, typing: {} as RoomTyping, holds: () => true,
  };
  return { conversation: new RoomConversation("general", context), calls };
}

describe("reading messages the timeline does not hold (quoted parents, thread roots)", () => {
  it("reads the ids asked for at once in one GetMessages, once each, and answers null for one that is gone", async () => {
    const { conversation, calls } = room((ids) => ids.filter((id) => id !== 3).map(message));
    const [one, two, three, again] = await Promise.all([conversation.fetch(1), conversation.fetch(2), conversation.fetch(3), conversation.fetch(1)]);
    expect(calls).toEqual([["GetMessages", "general", [1, 2, 3]]]);
    expect([one?.text, two?.text, three, again?.text]).toEqual(["m1", "m2", null, "m1"]);
    expect(await conversation.fetch(2)).toMatchObject({ text: "m2" });
    expect(await conversation.fetch(3)).toBeNull();
    expect(calls).toHaveLength(1);
    expect(conversation.find(1)).toMatchObject({ id: 1, authorName: "bob" });
  });

  it("asks again after a read that failed", async () => {
    let fail = true;
    const { conversation, calls } = room((ids) => {
      if (fail) {
        throw new Error("HubException: rate_limited");
      }
      return ids.map(message);
    });
    await expect(conversation.fetch(5)).rejects.toThrow("rate_limited");
    fail = false;
    expect(await conversation.fetch(5)).toMatchObject({ text: "m5" });
    expect(calls).toHaveLength(2);
  });

  it("reads more than the contract's 100 in pages of 100", async () => {
    const { conversation, calls } = room((ids) => ids.map(message));
    await Promise.all(Array.from({ length: 150 }, (_, i) => conversation.fetch(i + 1)));
    expect(calls.map((c) => (c[2] as number[]).length)).toEqual([100, 50]);
  });
});
