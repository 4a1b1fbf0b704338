import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Outbox } from "../src/outbox";
import { classify, foldPending, newClientMessageId, type OutboxEntry, type OutboxTarget } from "../src/outbox-entry";
import { deserialize, keyValueOutboxStorage, serialize, type KeyValueStore, type OutboxStorage } from "../src/outbox-storage";
import { TokenBucket } from "../src/pacing";
import { Timeline } from "../src/timeline";
import { memoryStore } from "./memory-store";

const general: OutboxTarget = { kind: "room", room: "general" };
const random: OutboxTarget = { kind: "room", room: "random" };
const bob: OutboxTarget = { kind: "dm", userId: "bob" };

/** The way SignalR reports a refusal. */
const refusal = (code: string) => new Error(`An unexpected error occurred invoking 'PostMessage' on the server. HubException: ${code}: no`);
const lost = () => new Error("Invocation canceled due to the underlying connection being closed.");

interface Call {
  entry: OutboxEntry;
  resolve(): void;
  reject(error: unknown): void;
}

/** A transport whose attempts the test answers one by one. */
function manualTransport() {
  const calls: Call[] = [];
  let ready = (_: OutboxTarget) => true;
  return {
    calls,
    setReady(f: (t: OutboxTarget) => boolean) {
      ready = f;
    },
    transport: {
      ready: (t: OutboxTarget) => ready(t),
      deliver: (entry: OutboxEntry) => new Promise<void>((resolve, reject) => calls.push({ entry, resolve, reject })),
    },
  };
}

let ids = 0;
const sequentialIds = () => `id-${++ids}`;
const noStorage: OutboxStorage = { load: () => [], save: () => {} };

beforeEach(() => {
  vi.useFakeTimers();
  ids = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Outbox state machine", () => {
  it("enqueue → sending → sent, the entry leaving the outbox once stored", async () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    const entry = outbox.enqueue(general, "hello");
    expect(entry.status).toBe("queued"); // Offline: waits.
    expect(t.calls).toHaveLength(0);

    outbox.setOnline(true);
    expect(entry.status).toBe("sending");
    expect(t.calls.map((c) => [c.entry.id, c.entry.text])).toEqual([["id-1", "hello"]]);
    expect(outbox.pendingFor(general)).toEqual([entry]);

    t.calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries).toHaveLength(0);
    expect(outbox.pendingFor(general)).toEqual([]);
  });

  it("retries a lost attempt with the same id once the connection is back", async () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    outbox.setOnline(true);
    outbox.enqueue(general, "hello");
    outbox.setOnline(false);
    t.calls[0]!.reject(lost());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(outbox.entries[0]!.status).toBe("queued");
    expect(t.calls).toHaveLength(1);

    outbox.setOnline(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.calls.map((c) => c.entry.id)).toEqual(["id-1", "id-1"]);
    t.calls[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries).toHaveLength(0);
  });

  it("retries unavailable and rate_limited after a back-off, keeping the id", async () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    outbox.setOnline(true);
    outbox.enqueue(general, "hello");
    t.calls[0]!.reject(refusal("unavailable"));
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls).toHaveLength(1); // Backing off.
    await vi.advanceTimersByTimeAsync(300);
    expect(t.calls).toHaveLength(2);
    t.calls[1]!.reject(refusal("rate_limited"));
    await vi.advanceTimersByTimeAsync(600);
    expect(t.calls).toHaveLength(3);
    expect(new Set(t.calls.map((c) => c.entry.id))).toEqual(new Set(["id-1"]));
    t.calls[2]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries).toHaveLength(0);
  });

  it("a refusal that retrying cannot fix fails the entry; retry sends it again with its id, discard drops it", async () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    outbox.setOnline(true);
    const first = outbox.enqueue(general, "one");
    outbox.enqueue(general, "two");
    t.calls[0]!.reject(refusal("muted"));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.status).toBe("failed");
    expect(first.error?.code).toBe("muted");
    expect(outbox.pendingFor(general).map((e) => [e.text, e.status])).toEqual([["one", "failed"], ["two", "sending"]]);

    // A failed entry does not hold up the ones after it.
    t.calls[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls).toHaveLength(2);

    outbox.retry(first.id);
    expect(first.status).toBe("sending");
    expect(t.calls[2]!.entry.id).toBe("id-1");
    t.calls[2]!.reject(refusal("message_too_long"));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.status).toBe("failed");

    outbox.discard(first.id);
    expect(outbox.entries).toHaveLength(0);
  });

  it("gives up on an unknown error after a few attempts", async () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    outbox.setOnline(true);
    const entry = outbox.enqueue(general, "one");
    for (let i = 0; i < 5; i++) {
      t.calls[i]!.reject(new Error("something odd"));
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(t.calls).toHaveLength(5);
    expect(entry.status).toBe("failed");
    expect(classify({ code: "network", message: "" }, 1000)).toBe("retry");
  });

  it("sends one entry per target at a time, in order, targets independently", async () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    outbox.enqueue(general, "g1");
    outbox.enqueue(general, "g2");
    outbox.enqueue(random, "r1");
    outbox.enqueue(bob, "b1");
    outbox.setOnline(true);
    expect(t.calls.map((c) => c.entry.text)).toEqual(["g1", "r1", "b1"]);
    t.calls[0]!.reject(lost());
    await vi.advanceTimersByTimeAsync(1000);
    // g1 again, never g2 before it.
    expect(t.calls.map((c) => c.entry.text)).toEqual(["g1", "r1", "b1", "g1"]);
    t.calls[3]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls.map((c) => c.entry.text)).toEqual(["g1", "r1", "b1", "g1", "g2"]);
  });

  it("waits for a target that is not ready (a room not rejoined yet) without letting its later entries pass", async () => {
    const t = manualTransport();
    t.setReady((target) => target.kind === "dm");
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    outbox.enqueue(general, "g1");
    outbox.enqueue(bob, "b1");
    outbox.enqueue(general, "g2");
    outbox.setOnline(true);
    expect(t.calls.map((c) => c.entry.text)).toEqual(["b1"]);
    t.setReady(() => true);
    outbox.pump();
    expect(t.calls.map((c) => c.entry.text)).toEqual(["b1", "g1"]);
  });
});

describe("Outbox pacing", () => {
  it("releases 30 entries at the bucket's rate (20 at once, then 10 a second) and none is refused", async () => {
    const start = Date.now();
    // The server's allowance, as the contract's defaults: refuses anything over it.
    const server = new TokenBucket(10, 20, start);
    const sentAt: number[] = [];
    let refused = 0;
    const outbox = new Outbox({
      storage: noStorage,
      newId: sequentialIds,
      transport: {
        ready: () => true,
        deliver: async () => {
          if (!server.take(Date.now())) {
            refused++;
            throw refusal("rate_limited");
          }
          sentAt.push(Date.now() - start);
        },
      },
    });
    outbox.setOnline(true);
    for (let i = 0; i < 30; i++) {
      outbox.enqueue(general, `m${i}`);
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(sentAt).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(500);
    expect(sentAt.length).toBeGreaterThanOrEqual(24);
    expect(sentAt.length).toBeLessThanOrEqual(26);
    await vi.advanceTimersByTimeAsync(600);
    expect(sentAt).toHaveLength(30);
    expect(refused).toBe(0);
    expect(outbox.entries).toHaveLength(0);
    // Never faster than the bucket: n messages by time t ≤ 20 + 10·t.
    sentAt.forEach((at, i) => expect(i + 1).toBeLessThanOrEqual(20 + Math.floor((at * 10) / 1000) + 1));
  });

  it("backs off and slows down when the server's allowance is smaller than the contract's", async () => {
    const start = Date.now();
    const server = new TokenBucket(1, 2, start);
    const delivered: string[] = [];
    const outbox = new Outbox({
      storage: noStorage,
      newId: sequentialIds,
      transport: {
        ready: () => true,
        deliver: async (entry) => {
          if (!server.take(Date.now())) {
            throw refusal("rate_limited");
          }
          delivered.push(entry.text);
        },
      },
    });
    outbox.setOnline(true);
    for (let i = 0; i < 6; i++) {
      outbox.enqueue(general, `m${i}`);
    }
    await vi.advanceTimersByTimeAsync(20_000);
    expect(delivered).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
    expect(outbox.entries).toHaveLength(0);
  });

  it("the token bucket refills to its burst and no further", () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false]);
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.take(100)).toBe(true);
    expect([bucket.take(10_000), bucket.take(10_000), bucket.take(10_000)]).toEqual([true, true, false]);
    bucket.empty(20_000);
    expect(bucket.take(20_000)).toBe(false);
  });
});

describe("Outbox folding", () => {
  interface Stored {
    id: number;
    text: string;
    clientMessageId: string;
  }

  /** What a room's timeline shows: the stored messages, then the pending ones not stored yet. */
  function shown(timeline: Timeline<Stored>, outbox: Outbox): string[] {
    return [...timeline.all.map((m) => m.text), ...foldPending(timeline.all, outbox.pendingFor(general)).map((e) => `${e.text} (sending…)`)];
  }

  async function scenario(ackFirst: boolean): Promise<string[][]> {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    const timeline = new Timeline<Stored>();
    const steps: string[][] = [];
    outbox.setOnline(true);
    const entry = outbox.enqueue(general, "hi");
    steps.push(shown(timeline, outbox));
    const stored: Stored = { id: 7, text: "hi", clientMessageId: entry.id };
    // As the session does with either: merge into the timeline, tell the outbox.
    const ack = async () => {
      t.calls[0]!.resolve();
      await vi.advanceTimersByTimeAsync(0);
      timeline.merge([stored]);
      outbox.acknowledge(entry.id);
    };
    const received = () => {
      timeline.mergeLive({ ...stored });
      outbox.acknowledge(entry.id);
    };
    if (ackFirst) {
      await ack();
      steps.push(shown(timeline, outbox));
      received();
    } else {
      received();
      steps.push(shown(timeline, outbox));
      await ack();
    }
    steps.push(shown(timeline, outbox));
    expect(outbox.entries).toHaveLength(0);
    return steps;
  }

  it("shows one line whether the acknowledgement or MessageReceived comes first", async () => {
    expect(await scenario(true)).toEqual([["hi (sending…)"], ["hi"], ["hi"]]);
    expect(await scenario(false)).toEqual([["hi (sending…)"], ["hi"], ["hi"]]);
  });

  it("a stored copy seen while only queued (a reload's catch-up) drops the entry unsent", () => {
    const t = manualTransport();
    const outbox = new Outbox({ storage: noStorage, transport: t.transport, newId: sequentialIds });
    const entry = outbox.enqueue(general, "hi");
    outbox.acknowledge(entry.id);
    outbox.setOnline(true);
    expect(t.calls).toHaveLength(0);
    expect(outbox.entries).toHaveLength(0);
  });

  it("foldPending leaves out the pending entries already stored", () => {
    const entries = [
      { id: "a", target: general, text: "a", createdAt: 0, status: "sending", attempts: 1 },
      { id: "b", target: general, text: "b", createdAt: 0, status: "queued", attempts: 0 },
    ] satisfies OutboxEntry[];
    expect(foldPending([{ clientMessageId: "a" }, { clientMessageId: null }, {}], entries).map((e) => e.id)).toEqual(["b"]);
  });
});

describe("Outbox persistence", () => {
  it("survives a reload: entries come back queued, failed ones failed, in order, and are sent", async () => {
    const store = memoryStore();
    const t1 = manualTransport();
    const before = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport: t1.transport });
    before.setOnline(true);
    const a = before.enqueue(general, "one");
    const b = before.enqueue(bob, "to bob");
    const c = before.enqueue(general, "two");
    t1.calls[1]!.reject(refusal("invalid_user"));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.data.has("hubapp.outbox:alice:tab1")).toBe(true);

    const t2 = manualTransport();
    const after = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport: t2.transport });
    expect(after.entries.map((e) => [e.id, e.text, e.status])).toEqual([
      [a.id, "one", "queued"],
      [b.id, "to bob", "failed"],
      [c.id, "two", "queued"],
    ]);
    expect(after.get(b.id)?.error?.code).toBe("invalid_user");
    after.setOnline(true);
    expect(t2.calls.map((x) => x.entry.id)).toEqual([a.id]);
    t2.calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    t2.calls[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    after.discard(b.id);
    expect(store.data.has("hubapp.outbox:alice:tab1")).toBe(false);
  });

  it("two tabs of one user keep their own copies, and a tab loading adopts what a closed tab left", () => {
    const store = memoryStore();
    const first = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport: manualTransport().transport });
    const second = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab2"), transport: manualTransport().transport });
    const a = first.enqueue(general, "from the first tab");
    vi.advanceTimersByTime(1);
    const b = second.enqueue(general, "from the second tab");
    vi.advanceTimersByTime(1);
    first.enqueue(bob, "first again");

    // Neither tab's save dropped the other's message.
    expect(deserialize(store.getItem("hubapp.outbox:alice:tab1")).map((e) => e.text)).toEqual(["from the first tab", "first again"]);
    expect(deserialize(store.getItem("hubapp.outbox:alice:tab2")).map((e) => e.text)).toEqual(["from the second tab"]);

    // Both tabs closed; a new one holds all three, in the order they were written, under its own key only.
    const third = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab3"), transport: manualTransport().transport });
    expect(third.entries.map((e) => e.id)).toEqual([a.id, b.id, third.entries[2]!.id]);
    expect(third.entries.map((e) => e.text)).toEqual(["from the first tab", "from the second tab", "first again"]);
    expect([...store.data.keys()]).toEqual(["hubapp.outbox:alice:tab3"]);
  });

  it("keeps each user's outbox apart, also for a user id that extends another", () => {
    const store = memoryStore();
    new Outbox({ storage: keyValueOutboxStorage(store, "alice", "t"), transport: manualTransport().transport }).enqueue(general, "x");
    expect(new Outbox({ storage: keyValueOutboxStorage(store, "alice:t", "u"), transport: manualTransport().transport }).entries).toEqual([]);
    expect(new Outbox({ storage: keyValueOutboxStorage(store, "alice", "u"), transport: manualTransport().transport }).entries.map((e) => e.text)).toEqual(["x"]);
  });

  it("keeps each user's outbox apart", () => {
    const store = memoryStore();
    new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport: manualTransport().transport }).enqueue(general, "x");
    expect(new Outbox({ storage: keyValueOutboxStorage(store, "bob", "tab1"), transport: manualTransport().transport }).entries).toEqual([]);
  });

  it("reads corrupt or foreign storage as empty and skips broken entries", () => {
    expect(deserialize("{not json")).toEqual([]);
    expect(deserialize("null")).toEqual([]);
    expect(deserialize(JSON.stringify({ v: 99, entries: [] }))).toEqual([]);
    expect(deserialize(JSON.stringify([1, 2]))).toEqual([]);
    const good = { id: "ok_1", target: { kind: "room", room: "general" }, text: "fine", createdAt: 5 };
    const text = JSON.stringify({
      v: 1,
      entries: [
        good,
        { ...good, id: "bad id!" },
        { ...good, id: "x2", target: { kind: "room" } },
        { ...good, id: "x3", text: 42 },
        { ...good, id: "x4", text: "" },
        "nonsense",
        good, // a duplicate
      ],
    });
    expect(deserialize(text).map((e) => e.id)).toEqual(["ok_1"]);

    const store = memoryStore();
    store.setItem("hubapp.outbox:alice:tab1", "\u0000garbage");
    const outbox = new Outbox({ storage: keyValueOutboxStorage(store, "alice", "tab1"), transport: manualTransport().transport });
    expect(outbox.entries).toEqual([]);
    outbox.enqueue(general, "after the garbage");
    expect(deserialize(store.getItem("hubapp.outbox:alice:tab1")).map((e) => e.text)).toEqual(["after the garbage"]);
  });

  it("a store that throws (quota, private mode) loses the copy, not the message", async () => {
    const throwing: KeyValueStore = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
      get length(): number {
        throw new Error("SecurityError");
      },
      key: () => {
        throw new Error("SecurityError");
      },
    };
    const t = manualTransport();
    const outbox = new Outbox({ storage: keyValueOutboxStorage(throwing, "alice", "tab1"), transport: t.transport });
    const entry = outbox.enqueue(general, "still here");
    expect(outbox.entries).toEqual([entry]);
    outbox.setOnline(true);
    t.calls[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.entries).toEqual([]);
    expect(keyValueOutboxStorage(null, "alice", "tab1").load()).toEqual([]);
  });

  it("keeps a reply's parent and thread across a reload, and drops ids that are not positive integers", () => {
    const entry: OutboxEntry = { id: "r1", target: bob, text: "t", replyToId: 7, threadId: 3, createdAt: 1, status: "queued", attempts: 0 };
    expect(deserialize(serialize([entry]))).toEqual([entry]);
    const broken = JSON.stringify({ v: 1, entries: [{ id: "r2", target: bob, text: "t", createdAt: 1, replyToId: -1, threadId: "3" }] });
    expect(deserialize(broken)).toEqual([{ id: "r2", target: bob, text: "t", createdAt: 1, status: "queued", attempts: 0 }]);
  });

  it("an entry in flight is saved as queued: a reload sends it again with its id", () => {
    const entry: OutboxEntry = { id: "abc", target: bob, text: "t", createdAt: 1, status: "sending", attempts: 3 };
    expect(deserialize(serialize([entry]))).toEqual([{ id: "abc", target: bob, text: "t", createdAt: 1, status: "queued", attempts: 0 }]);
  });

  it("makes client message ids the server accepts, each different", () => {
    const made = new Set(Array.from({ length: 200 }, () => newClientMessageId()));
    expect(made.size).toBe(200);
    for (const id of made) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });
});
