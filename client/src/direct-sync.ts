import type { DirectMessage, DirectSync } from "./contract";

/** Sync pages per (re)connect before giving up (500 messages each by default). */
const maxSyncPages = 200;

/**
 * SyncDirectMessages from `sinceId`, again while the answer says more are waiting; each page goes to `merge`
 * (which merges by id, so a page that repeats what arrived live shows nothing twice). Returns the sync point
 * for the next (re)connect: the newest id the pages held, else `sinceId`. Only sync pages advance it — direct
 * messages from many senders may arrive live out of id order, so a live one proves nothing about the ones
 * before it.
 */
export async function syncDirectMessages(
  fetchPage: (sinceId: number | null) => Promise<DirectSync>,
  sinceId: number | null,
  merge: (messages: DirectMessage[]) => void,
): Promise<number | null> {
  let since = sinceId;
  for (let page = 0; page < maxSyncPages; page++) {
    const sync = await fetchPage(since);
    merge(sync.messages);
    for (const message of sync.messages) {
      since = since === null ? message.id : Math.max(since, message.id);
    }
    if (sync.complete || sync.messages.length === 0) {
      break;
    }
  }
  return since;
}

/** The other user of a direct message, seen from `me`. */
export function partnerOf(message: DirectMessage, me: string): string {
  return message.fromUserId === me ? message.toUserId : message.fromUserId;
}

/**
 * Who "Write to" means: a user the page has seen whose id or (case-insensitively) name is the text, else the
 * text itself as a user id, which always works. A leading "@" is dropped; null for nothing typed.
 */
export function resolveUser(text: string, known: ReadonlyMap<string, string>): string | null {
  const typed = text.trim().replace(/^@/, "").trim();
  if (typed === "") {
    return null;
  }
  if (known.has(typed)) {
    return typed;
  }
  const lower = typed.toLowerCase();
  for (const [userId, userName] of known) {
    if (userName.toLowerCase() === lower) {
      return userId;
    }
  }
  return typed;
}
