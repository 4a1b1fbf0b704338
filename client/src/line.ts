// One line of the message list, whichever conversation it is in: what the timeline view shows and what unread
// counting and notifications read of a message.

import type { Attachment, ChatMessage, DirectMessage, MessageKind, Reaction, ThreadSummary } from "./contract";
import type { Countable } from "./read-state";

/** Why messages reached a timeline: `history` is what the user had not missed (a first join, scroll-back). */
export type Arrival = "history" | "new";

/** One line of the message list, a room message or a direct one. */
export interface Line {
  id: number;
  authorId: string;
  authorName: string;
  text: string;
  sentAt: string;
  /** The sender's idempotency key: the stored line replaces the pending one that carries it. */
  clientMessageId?: string | null;
  /** Room log entries only (contract "The room log"): an edit or delete changes `targetId` and is no line of its own. */
  kind?: MessageKind;
  targetId?: number | null;
  editedAt?: string | null;
  deletedAt?: string | null;
  /** (v3) The message this one answers (shown as a quote), and the thread root it belongs to (shown in the thread). */
  replyToId?: number | null;
  threadId?: number | null;
  /** (v3) A stored message's current reactions and, on a root, its thread. */
  reactions?: readonly Reaction[] | null;
  thread?: ThreadSummary | null;
  /** (v3) The files it carries. */
  attachments?: readonly Attachment[] | null;
  /** (v3) The text mentions the signed-in user (see `mentionsMe`). */
  mentionsMe?: boolean;
  /** The newest entry its stored state includes (see `Timeline.asOf`): only later ones are folded on. */
  asOf?: number;
}

/** A message in the outbox, shown below the stored lines: "sending…", or "not sent" with Retry and Discard. */
export interface PendingLine {
  clientMessageId: string;
  text: string;
  failed: boolean;
  /** Why it was not sent (failed only). */
  reason?: string;
  /** (v3) The files it carries (uploaded already). */
  attachments?: readonly Attachment[];
}

/** A line and where it goes: before the line with id `beforeId`, or at the end when null (see `Placement`). */
export interface PlacedLine {
  line: Line;
  beforeId: number | null;
}

export const roomLine = (m: ChatMessage, mentionsMe = false): Line => ({
  id: m.id, authorId: m.userId, authorName: m.userName, text: m.text, sentAt: m.sentAt, clientMessageId: m.clientMessageId ?? null,
  kind: m.kind ?? "message", targetId: m.targetId ?? null, editedAt: m.editedAt ?? null, deletedAt: m.deletedAt ?? null,
  replyToId: m.replyToId ?? null, threadId: m.threadId ?? null, reactions: m.reactions ?? null, thread: m.thread ?? null, mentionsMe,
  attachments: m.attachments ?? null,
});
/** (v3) A conversation is a log like a room's: a v2 server's message without a kind is a message. */
export const directLine = (m: DirectMessage): Line => ({
  id: m.id, authorId: m.fromUserId, authorName: m.fromUserName, text: m.text, sentAt: m.sentAt, clientMessageId: m.clientMessageId ?? null,
  kind: m.kind ?? "message", targetId: m.targetId ?? null, editedAt: m.editedAt ?? null, deletedAt: m.deletedAt ?? null,
  replyToId: m.replyToId ?? null, threadId: null, reactions: m.reactions ?? null, thread: null,
  attachments: m.attachments ?? null,
});


/** A line as unread and mention counting see it. */
export const countable = (line: Line): Countable => ({ id: line.id, authorId: line.authorId, kind: line.kind, mention: line.mentionsMe === true });
