// Folding thread replies onto their root (contract v3 "Drafts, replies and threads"): a stored root carries its
// current `thread`; replies that arrive after it add to it, deletes of replies take away. Pure and DOM-free.

import type { ThreadSummary } from "./contract";

/** Participants the contract lists at most. */
const maxParticipants = 20;

/** A root's thread as the page shows it, and the newest log entry it accounts for. */
export interface Thread {
  summary: ThreadSummary;
  asOf: number;
}

/** What folding needs of a reply (or the delete of one). */
export interface ReplyEntry {
  id: number;
  authorId: string;
  sentAt: string;
}

export const noThread: ThreadSummary = { replyCount: 0, lastReplyAt: null, participantIds: [] };

/** A root's thread as stored; `asOf`: the newest id the stored copy is known to include. */
export function threadOf(stored: { thread?: ThreadSummary | null }, asOf: number): Thread {
  return { summary: stored.thread ?? noThread, asOf };
}

/** A reply that arrived after the stored root: one more, its time the last, its author a participant. */
export function foldReply(thread: Thread, reply: ReplyEntry, rootAuthorId: string): Thread {
  if (reply.id <= thread.asOf) {
    return thread;
  }
  const { summary } = thread;
  const participants = summary.participantIds.length === 0 ? [rootAuthorId] : [...summary.participantIds];
  if (!participants.includes(reply.authorId) && participants.length < maxParticipants) {
    participants.push(reply.authorId);
  }
  const last = summary.lastReplyAt === null || Date.parse(reply.sentAt) > Date.parse(summary.lastReplyAt) ? reply.sentAt : summary.lastReplyAt;
  return { summary: { replyCount: summary.replyCount + 1, lastReplyAt: last, participantIds: participants }, asOf: reply.id };
}

/**
 * A reply was deleted (`deleteId`: the delete entry's id): one fewer. Who still takes part and when the last
 * reply now was are the server's to say; the next stored copy of the root says it.
 */
export function foldReplyDeleted(thread: Thread, deleteId: number): Thread {
  if (deleteId <= thread.asOf) {
    return thread;
  }
  const replyCount = Math.max(0, thread.summary.replyCount - 1);
  return { summary: { ...thread.summary, replyCount, lastReplyAt: replyCount === 0 ? null : thread.summary.lastReplyAt }, asOf: deleteId };
}

/** The server's word on a root: it wins over what was folded before it. */
export function serverThread(thread: Thread, stored: { thread?: ThreadSummary | null }, asOf: number): Thread {
  return asOf < thread.asOf ? thread : threadOf(stored, asOf);
}

/** "3 replies" (the count part of the root's thread line); empty for none. */
export function replyCountText(summary: ThreadSummary): string {
  return summary.replyCount === 0 ? "" : `${summary.replyCount} ${summary.replyCount === 1 ? "reply" : "replies"}`;
}

/** The participants' names, the user as "you": "alice, bob and you". */
export function participantsText(summary: ThreadSummary, nameOf: (userId: string) => string, me: string): string {
  const names = summary.participantIds.map((id) => (id === me ? "you" : nameOf(id)));
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
