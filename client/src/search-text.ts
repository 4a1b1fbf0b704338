// A search's words in a found message's text (contract v3 "Search"): the server matches every word of the query,
// the last also as a prefix; the page marks where each word starts a word of the text. Pure and DOM-free;
// search-view.ts turns the pieces into nodes with textContent.

/** A piece of a found text: a hit (a query word, as a word's start) or the text between. */
export interface Piece {
  text: string;
  hit: boolean;
}

/** The query's words, as the server reads them: runs of letters and digits, lowercased. */
export function queryWords(query: string): string[] {
  return [...new Set((query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))];
}

/** Whether the server takes the query: 1–256 characters with at least one letter or digit. */
export function searchable(query: string): boolean {
  return query.trim().length >= 1 && query.length <= 256 && queryWords(query).length > 0;
}

/** The text in pieces, each start of a word that begins with a query word marked as a hit. */
export function highlight(text: string, query: string): Piece[] {
  const words = queryWords(query).sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (words.length === 0) {
    return text === "" ? [] : [{ text, hit: false }];
  }
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join("|")})`, "giu");
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) {
      pieces.push({ text: text.slice(last, match.index), hit: false });
    }
    pieces.push({ text: match[0], hit: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) {
    pieces.push({ text: text.slice(last), hit: false });
  }
  return pieces;
}

/** A found message as the results list shows it, and where it is: a room, or the conversation with `partnerId`. */
export interface Found {
  id: number;
  authorName: string;
  text: string;
  sentAt: string;
  room: string | null;
  partnerId: string | null;
  /** The thread root it replies in, if any: the jump opens that thread. */
  threadId: number | null;
}

/** One group of results: a room's, or "Direct messages". */
export interface FoundGroup {
  title: string;
  found: Found[];
}

/** What a search found: grouped by room, in the order the rooms first appear (newest first), then the direct messages. */
export function groupResults(
  rooms: readonly { id: number; room: string; userName: string; text: string; sentAt: string; threadId?: number | null }[],
  direct: readonly { id: number; fromUserId: string; fromUserName: string; toUserId: string; text: string; sentAt: string }[],
  me: string,
): FoundGroup[] {
  const groups = new Map<string, FoundGroup>();
  for (const m of rooms) {
    let group = groups.get(m.room);
    if (!group) {
      group = { title: `#${m.room}`, found: [] };
      groups.set(m.room, group);
    }
    group.found.push({ id: m.id, authorName: m.userName, text: m.text, sentAt: m.sentAt, room: m.room, partnerId: null, threadId: m.threadId ?? null });
  }
  const dms: FoundGroup = {
    title: "Direct messages",
    found: direct.map((m) => ({
      id: m.id, authorName: m.fromUserName, text: m.text, sentAt: m.sentAt, room: null,
      partnerId: m.fromUserId === me ? m.toUserId : m.fromUserId, threadId: null,
    })),
  };
  return dms.found.length > 0 ? [...groups.values(), dms] : [...groups.values()];
}
