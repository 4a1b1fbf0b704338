import { describe, expect, it } from "vitest";
import type { Attachment } from "../src/contract";
import { Outbox } from "../src/outbox";
import { draftOf, needsPost, type OutboxEntry, type OutboxTarget } from "../src/outbox-entry";
import { deserialize, keyValueOutboxStorage, serialize } from "../src/outbox-storage";
import { memoryStore } from "./memory-store";

const general: OutboxTarget = { kind: "room", room: "general" };
const photo: Attachment = {
  id: "a1b2", name: "cat.png", contentType: "image/png", size: 2048, width: 640, height: 480,
  url: "/api/attachments/a1b2", thumbnailUrl: "/api/attachments/a1b2/thumbnail",
};
const report: Attachment = { id: "c3d4", name: "report.pdf", contentType: "application/pdf", size: 12, width: null, height: null, url: "/api/attachments/c3d4", thumbnailUrl: null };

const entry = (fields: Partial<OutboxEntry>): OutboxEntry => ({ id: "m1", target: general, text: "", createdAt: 1, status: "queued", attempts: 0, ...fields });

describe("an outbox entry with files", () => {
  it("goes as a Post whose draft names its files by id, in the order attached; one without files names none", () => {
    const withFiles = entry({ text: "look", attachments: [photo, report] });
    expect(needsPost(withFiles)).toBe(true);
    expect(draftOf(withFiles)).toEqual({ text: "look", clientMessageId: "m1", replyToId: null, threadId: null, attachmentIds: ["a1b2", "c3d4"] });
    const plain = entry({ text: "plain" });
    expect(needsPost(plain)).toBe(false);
    expect(draftOf(plain).attachmentIds).toBeNull();
  });

  it("keeps its files' ids and descriptions across a reload, with an empty text, and is sent again with the same clientMessageId", () => {
    const store = memoryStore();
    const sent: OutboxEntry[] = [];
    const transport = { ready: () => true, deliver: (e: OutboxEntry) => (sent.push(e), new Promise<void>(() => {})) };
    const before = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport });
    before.setOnline(true);
    const composed = before.enqueue(general, "", { replyToId: null, threadId: null }, [photo]);
    // The page closes while the Post is on its way: the reload finds the entry and posts it once more, as the same message.
    const after = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport });
    expect(after.entries).toHaveLength(1);
    expect(after.entries[0]!.attachments).toEqual([photo]);
    after.setOnline(true);
    expect(sent.map((e) => e.id)).toEqual([composed.id, composed.id]);
    expect(draftOf(sent[1]!)).toEqual({ text: "", clientMessageId: composed.id, replyToId: null, threadId: null, attachmentIds: ["a1b2"] });
  });

  it("reads back what it wrote, and leaves out an entry whose files are broken or that has neither text nor files", () => {
    const good = entry({ text: "", attachments: [report] });
    expect(deserialize(serialize([good]))).toEqual([good]);
    const broken = JSON.stringify({ v: 1, entries: [
      { id: "b1", target: general, text: "x", createdAt: 1, attachments: [{ id: 5 }] },
      { id: "b2", target: general, text: "x", createdAt: 1, attachments: "nope" },
      { id: "b3", target: general, text: "", createdAt: 1 },
      { id: "b4", target: general, text: "", createdAt: 1, attachments: [] },
      { id: "ok", target: general, text: "kept", createdAt: 1 },
    ] });
    expect(deserialize(broken).map((e) => e.id)).toEqual(["ok"]);
  });
});
