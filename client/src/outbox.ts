// The outbox: every message the user composes, from the moment the composer hands it over until the server has
// stored it. DOM-free and transport-free: the session supplies delivery, readiness and storage, a clock is
// injected, so that the state machine, pacing and persistence are tested on their own (test/outbox.test.ts).

import { describeError, type ChatError } from "./errors";

/** Where a message goes: a joined room or a user (a direct message). */
export type OutboxTarget = { kind: "room"; room: string } | { kind: "dm"; userId: string };

/** `r:<room>` or `d:<userId>`, as the sidebar keys channels. */
export function targetKey(target: OutboxTarget): string {
  return target.kind === "room" ? `r:${target.room}` : `d:${target.userId}`;
}

/**
 * `queued`: waiting for its turn (or for the connection); `sending`: an attempt is on the wire; `failed`: refused
 * for a reason retrying cannot fix, until the user retries or discards it. Shown as "sending…" unless failed.
 */
export type EntryStatus = "queued" | "sending" | "failed";

export interface OutboxEntry {
  /** The `clientMessageId`: fresh per composed message, the same on every attempt. */
  readonly id: string;
  readonly target: OutboxTarget;
  readonly text: string;
  /** Epoch milliseconds of composing. */
  readonly createdAt: number;
  status: EntryStatus;
  /** Attempts since it was composed or last retried by the user. */
  attempts: number;
  /** Why it failed (status `failed`). */
  error?: ChatError;
}

/** Refusals that the same message sent again cannot overcome. */
const permanent = new Set([
  "invalid_message",
  "message_too_long",
  "not_in_room",
  "not_joined",
  "forbidden",
  "muted",
  "invalid_room",
  "invalid_user",
  "unauthorized",
]);

/**
 * Refusals worth retrying without limit: the connection went (`network`), the allowance is used up, the store
 * is down. Anything else (an unknown error) is tried `maxUnknownAttempts` times before it counts as failed.
 */
const transient = new Set(["network", "rate_limited", "unavailable", "busy"]);
const maxUnknownAttempts = 5;

export type Verdict = "retry" | "fail";

export function classify(error: ChatError, attempts: number): Verdict {
  if (permanent.has(error.code)) {
    return "fail";
  }
  if (transient.has(error.code)) {
    return "retry";
  }
  return attempts >= maxUnknownAttempts ? "fail" : "retry";
}

// ---- Pacing ------------------------------------------------------------------------------------------------

/** The contract's default allowance per connection: 10 messages a second, 20 at once. */
export const DefaultRate = { perSecond: 10, burst: 20 } as const;

/** A token bucket as the server keeps one: `burst` at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until a token is there (0 when one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  /** The server said `rate_limited`: it counts more than this bucket did, so start again from empty. */
  empty(now: number): void {
    this.refill(now);
    this.tokens = 0;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    this.updatedAt = now;
  }
}

// ---- Persistence -------------------------------------------------------------------------------------------

/** The part of `Storage` (localStorage) the outbox uses. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

/** Where the outbox is kept between page loads. Neither method throws. */
export interface OutboxStorage {
  load(): OutboxEntry[];
  save(entries: readonly OutboxEntry[]): void;
}

interface SavedEntry {
  id: string;
  target: OutboxTarget;
  text: string;
  createdAt: number;
  failed?: ChatError;
}

const formatVersion = 1;
const clientMessageIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The entries as stored: what is in flight is saved as queued (a reload sends it again, with the same id). */
export function serialize(entries: readonly OutboxEntry[]): string {
  const saved: SavedEntry[] = entries.map((e) => ({
    id: e.id,
    target: e.target,
    text: e.text,
    createdAt: e.createdAt,
    ...(e.status === "failed" && e.error ? { failed: e.error } : {}),
  }));
  return JSON.stringify({ v: formatVersion, entries: saved });
}

/** What `serialize` wrote; whatever cannot be read (corrupt JSON, another version, a broken entry) is left out. */
export function deserialize(text: string | null): OutboxEntry[] {
  if (text === null) {
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(parsed) || parsed.v !== formatVersion || !Array.isArray(parsed.entries)) {
    return [];
  }
  const seen = new Set<string>();
  const entries: OutboxEntry[] = [];
  for (const raw of parsed.entries as unknown[]) {
    const entry = readEntry(raw);
    if (entry && !seen.has(entry.id)) {
      seen.add(entry.id);
      entries.push(entry);
    }
  }
  return entries;
}

function readEntry(raw: unknown): OutboxEntry | null {
  if (!isObject(raw) || typeof raw.id !== "string" || !clientMessageIdPattern.test(raw.id)
    || typeof raw.text !== "string" || raw.text === "" || typeof raw.createdAt !== "number") {
    return null;
  }
  const target = readTarget(raw.target);
  if (!target) {
    return null;
  }
  const failed = isObject(raw.failed) && typeof raw.failed.code === "string" && typeof raw.failed.message === "string"
    ? { code: raw.failed.code, message: raw.failed.message }
    : null;
  return failed
    ? { id: raw.id, target, text: raw.text, createdAt: raw.createdAt, status: "failed", attempts: 0, error: failed }
    : { id: raw.id, target, text: raw.text, createdAt: raw.createdAt, status: "queued", attempts: 0 };
}

function readTarget(raw: unknown): OutboxTarget | null {
  if (!isObject(raw)) {
    return null;
  }
  if (raw.kind === "room" && typeof raw.room === "string" && raw.room !== "") {
    return { kind: "room", room: raw.room };
  }
  if (raw.kind === "dm" && typeof raw.userId === "string" && raw.userId !== "") {
    return { kind: "dm", userId: raw.userId };
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The outbox of one user's tab in `store` (localStorage), under `hubapp.outbox:<userId>:<tabId>`. Each tab saves
 * under its own key, so that two tabs of one user never overwrite each other's messages. Loading adopts what every
 * tab of the user left (a tab closed before its messages were stored leaves them behind) and moves it under this
 * tab's key: a message another live tab also still holds is then sent by both, which the server answers once, as
 * both carry its clientMessageId. A store that throws (private mode, quota exceeded, disabled storage) or holds
 * something unreadable costs the copy, never the messages in memory.
 */
export function keyValueOutboxStorage(store: KeyValueStore | null, userId: string, tabId: string): OutboxStorage {
  // encodeURIComponent leaves no ':' in the user id, so one user's prefix never matches another's keys.
  const prefix = `hubapp.outbox:${encodeURIComponent(userId)}:`;
  const key = prefix + encodeURIComponent(tabId);
  /** False when the copy could not be written (kept in memory; the next save tries again). */
  const write = (entries: readonly OutboxEntry[]): boolean => {
    try {
      if (!store) {
        return false;
      }
      if (entries.length === 0) {
        store.removeItem(key);
      } else {
        store.setItem(key, serialize(entries));
      }
      return true;
    } catch {
      return false;
    }
  };
  return {
    load() {
      if (!store) {
        return [];
      }
      try {
        const keys = [key];
        for (let i = 0; i < store.length; i++) {
          const other = store.key(i);
          if (other !== null && other !== key && other.startsWith(prefix)) {
            keys.push(other);
          }
        }
        const seen = new Set<string>();
        const entries = keys.flatMap((k) => deserialize(store.getItem(k))).filter((e) => !seen.has(e.id) && seen.add(e.id));
        entries.sort((a, b) => a.createdAt - b.createdAt);
        // The other tabs' copies go only once this tab holds them all.
        if (write(entries)) {
          for (const other of keys.slice(1)) {
            store.removeItem(other);
          }
        }
        return entries;
      } catch {
        return [];
      }
    },
    save(entries) {
      write(entries);
    },
  };
}

/** Keeps nothing: for a page without storage. */
export const memoryOutboxStorage = (): OutboxStorage => ({ load: () => [], save: () => {} });

// ---- The outbox --------------------------------------------------------------------------------------------

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

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

  /** A composed message: it is in the outbox (and saved, if storage allows) when this returns. */
  enqueue(target: OutboxTarget, text: string): OutboxEntry {
    const entry: OutboxEntry = { id: this.newId(), target, text, createdAt: this.clock.now(), status: "queued", attempts: 0 };
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

/** 22 random characters of [A-Za-z0-9_-] (132 bits): `crypto.getRandomValues` works outside secure contexts too. */
export function newClientMessageId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  return Array.from(bytes, (b) => alphabet[b & 63]).join("");
}

/**
 * The pending entries to show beside stored messages: those whose stored copy is not among them yet. Whichever
 * comes first, the acknowledgement or the `MessageReceived`, the message shows once.
 */
export function foldPending(stored: Iterable<{ clientMessageId?: string | null }>, pending: readonly OutboxEntry[]): OutboxEntry[] {
  const storedIds = new Set<string>();
  for (const message of stored) {
    if (message.clientMessageId) {
      storedIds.add(message.clientMessageId);
    }
  }
  return pending.filter((e) => !storedIds.has(e.id));
}
