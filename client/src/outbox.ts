// The outbox: every message the user composes, from the moment the composer hands it over until the server has
// stored it. DOM-free and transport-free: the session supplies delivery, readiness and storage, a clock is
// injected, so that the state machine, pacing and persistence are tested on their own (test/outbox.test.ts).

import type { Attachment } from "./contract";
import { describeError, type ChatError } from "./errors";
import { classify, newClientMessageId, targetKey, TopLevel, type OutboxEntry, type OutboxTarget, type Placing } from "./outbox-entry";
import type { OutboxStorage } from "./outbox-storage";
import { DefaultRate, systemClock, TokenBucket, type Clock } from "./pacing";

/** How the outbox reaches the server: the session. */
export interface OutboxTransport {
  /** May an entry for this target go now (connected, the room rejoined)? */
  ready(target: OutboxTarget): boolean;
  /** One attempt: resolves once the server stored it (or had stored it before), rejects with why not. */
  deliver(entry: OutboxEntry): Promise<void>;
}

export interface OutboxOptions {
  storage: OutboxStorage;
  transport: OutboxTransport;
  clock?: Clock;
  rate?: { perSecond: number; burst: number };
  /** Makes a `clientMessageId`. */
  newId?: () => string;
  /** Called after any entry was added, changed or removed. */
  onChange?: (entries: readonly OutboxEntry[]) => void;
}

const refillMargin = 0.98;

/** Backing off after a refusal that asks for patience: 250 ms, doubling, at most 5 s. */
const backoffBaseMs = 250;
const backoffMaxMs = 5000;

/**
 * The messages composed and not yet stored, in the order they were composed. Delivers each target's entries one
 * at a time, in order (the next goes when the one before was stored or failed for good), all targets together
 * within one token bucket that matches the server's allowance; backs off when the server still says
 * `rate_limited` or `unavailable`, and waits for the connection when it is lost. Every attempt of an entry carries
 * the same id, so the server stores it once however often it is tried. Saved on every change.
 */
export class Outbox {
  private readonly queue: OutboxEntry[];
  /** Stored messages seen (an acknowledgement or the message itself) while their attempt was still out. */
  private readonly settled = new Set<string>();
  private readonly storage: OutboxStorage;
  private readonly transport: OutboxTransport;
  private readonly clock: Clock;
  private readonly bucket: TokenBucket;
  private readonly newId: () => string;
  private readonly onChange: (entries: readonly OutboxEntry[]) => void;
  private online = false;
  private pausedUntil = 0;
  private backoffLevel = 0;
  private timer: unknown = null;
  private timerAt = 0;

  constructor(options: OutboxOptions) {
    this.storage = options.storage;
    this.transport = options.transport;
    this.clock = options.clock ?? systemClock;
    const rate = options.rate ?? DefaultRate;
    // Refilled 2% slower than the server's: a message that left a little late must not arrive a little early
    // against the server's clock and be refused (it would only be retried, but need not be).
    this.bucket = new TokenBucket(rate.perSecond * refillMargin, rate.burst, this.clock.now());
    this.newId = options.newId ?? newClientMessageId;
    this.onChange = options.onChange ?? (() => {});
    this.queue = this.storage.load();
  }

  /** Every entry, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.queue;
  }

  /** The entries for one target that the timeline shows (sending… or not sent), oldest first. */
  pendingFor(target: OutboxTarget): OutboxEntry[] {
    const key = targetKey(target);
    return this.queue.filter((e) => targetKey(e.target) === key && !this.settled.has(e.id));
  }

  get(id: string): OutboxEntry | undefined {
    return this.queue.find((e) => e.id === id);
  }

  /** A composed message (with the files uploaded for it): in the outbox (and saved, if storage allows) when this returns. */
  enqueue(target: OutboxTarget, text: string, placing: Placing = TopLevel, attachments: readonly Attachment[] = []): OutboxEntry {
    const entry: OutboxEntry = {
      id: this.newId(), target, text, ...placing, ...(attachments.length > 0 ? { attachments: [...attachments] } : {}),
      createdAt: this.clock.now(), status: "queued", attempts: 0,
    };
    this.queue.push(entry);
    this.changed();
    this.pump();
    return entry;
  }

  /**
   * The server's copy of this entry was seen (in an acknowledgement, a `MessageReceived`, a catch-up page):
   * whatever the entry's state, it is done. An attempt still out is let finish; its answer changes nothing.
   */
  acknowledge(id: string): void {
    const entry = this.get(id);
    if (!entry || this.settled.has(id)) {
      return;
    }
    if (entry.status === "sending") {
      this.settled.add(id);
    } else {
      this.remove(entry);
    }
    this.changed();
  }

  /** The user asked to send a failed entry again: same id, back in the queue. */
  retry(id: string): void {
    const entry = this.get(id);
    if (entry?.status !== "failed") {
      return;
    }
    entry.status = "queued";
    entry.attempts = 0;
    delete entry.error;
    this.changed();
    this.pump();
  }

  /** The user gave up on a failed entry. */
  discard(id: string): void {
    const entry = this.get(id);
    if (entry?.status !== "failed") {
      return;
    }
    this.remove(entry);
    this.changed();
    this.pump();
  }

  /** Whether the connection is up. While it is not, nothing is attempted (and nothing is lost). */
  setOnline(online: boolean): void {
    this.online = online;
    if (online) {
      this.pump();
    }
  }

  /** Sends what may go now; schedules itself for what must wait for a token or a back-off. */
  pump(): void {
    if (!this.online) {
      return;
    }
    const now = this.clock.now();
    if (now < this.pausedUntil) {
      this.schedule(this.pausedUntil - now);
      return;
    }
    const busy = new Set(this.queue.filter((e) => e.status === "sending").map((e) => targetKey(e.target)));
    const passed = new Set<string>();
    for (const entry of this.queue) {
      const key = targetKey(entry.target);
      if (entry.status !== "queued" || busy.has(key) || passed.has(key)) {
        continue;
      }
      if (!this.transport.ready(entry.target)) {
        // Order within the target: nothing after it may overtake it.
        passed.add(key);
        continue;
      }
      if (!this.bucket.take(now)) {
        this.schedule(this.bucket.waitMs(now));
        return;
      }
      busy.add(key);
      this.attempt(entry);
    }
  }

  private attempt(entry: OutboxEntry): void {
    entry.status = "sending";
    entry.attempts++;
    let delivery: Promise<void>;
    try {
      delivery = this.transport.deliver(entry);
    } catch (error) {
      delivery = Promise.reject(error);
    }
    delivery.then(
      () => this.delivered(entry),
      (error: unknown) => this.refused(entry, describeError(error)),
    );
  }

  private delivered(entry: OutboxEntry): void {
    this.backoffLevel = 0;
    this.settled.delete(entry.id);
    this.remove(entry);
    this.changed();
    this.pump();
  }

  private refused(entry: OutboxEntry, error: ChatError): void {
    if (this.settled.delete(entry.id) || !this.queue.includes(entry)) {
      // Stored after all (its MessageReceived came first), or no longer ours.
      this.remove(entry);
      this.changed();
      this.pump();
      return;
    }
    if (classify(error, entry.attempts) === "fail") {
      entry.status = "failed";
      entry.error = error;
      this.changed();
      this.pump();
      return;
    }
    entry.status = "queued";
    const now = this.clock.now();
    if (error.code === "rate_limited") {
      this.bucket.empty(now);
    }
    const delay = Math.min(backoffMaxMs, backoffBaseMs * 2 ** this.backoffLevel);
    this.backoffLevel = Math.min(this.backoffLevel + 1, 10);
    this.pausedUntil = Math.max(this.pausedUntil, now + delay);
    this.changed();
    this.pump();
  }

  private remove(entry: OutboxEntry): void {
    const index = this.queue.indexOf(entry);
    if (index >= 0) {
      this.queue.splice(index, 1);
    }
  }

  private schedule(ms: number): void {
    const at = this.clock.now() + ms;
    if (this.timer !== null) {
      if (this.timerAt <= at) {
        return;
      }
      this.clock.clearTimeout(this.timer);
    }
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, ms));
  }

  private changed(): void {
    this.storage.save(this.queue);
    this.onChange(this.queue);
  }
}
