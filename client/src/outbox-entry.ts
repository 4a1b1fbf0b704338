// What the outbox holds: entries, their targets, and which refusals end an entry's attempts. Shared by the outbox's
// state machine (outbox.ts), its storage format (outbox-storage.ts) and the conversations that show pending lines.

import type { Attachment, Draft } from "./contract";
import type { ChatError } from "./errors";

/** Where a message goes: a joined room or a user (a direct message). */
export type OutboxTarget = { kind: "room"; room: string } | { kind: "dm"; userId: string };

/** (v3) What a composed message answers: a message it quotes (`replyToId`), the thread it goes in (`threadId`). */
export interface Placing {
  replyToId: number | null;
  threadId: number | null;
}

export const TopLevel: Placing = { replyToId: null, threadId: null };

/** Whether the entry needs a v3 `Post` / `PostDirect` (a reply, a thread reply, files), not `PostMessage`. */
export function needsPost(entry: OutboxEntry): boolean {
  return (entry.replyToId ?? null) !== null || (entry.threadId ?? null) !== null || (entry.attachments?.length ?? 0) > 0;
}

/** (v3) The entry as `Post` / `PostDirect` take it. */
export function draftOf(entry: OutboxEntry): Draft {
  const attachmentIds = entry.attachments?.length ? entry.attachments.map((a) => a.id) : null;
  return { text: entry.text, clientMessageId: entry.id, replyToId: entry.replyToId ?? null, threadId: entry.threadId ?? null, attachmentIds };
}

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
  /** (v3) Where in the conversation it goes: the message it answers, the thread it belongs to (see `Placing`). */
  readonly replyToId?: number | null;
  readonly threadId?: number | null;
  /**
   * (v3) The files it carries, uploaded before it was composed: their ids go in the draft, their descriptions show
   * the pending line. Kept with the entry, so that a post interrupted by a closed page goes once when it is back.
   */
  readonly attachments?: readonly Attachment[];
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
