import type { MessageKind } from "./contract";

/** A room entry or a direct message as unread counting sees it. */
export interface Countable {
  id: number;
  authorId: string;
  /** Missing (a v1 server, a direct message) reads as "message". */
  kind?: MessageKind | undefined;
  /** (v3) It mentions the user: mention counts count only these. */
  mention?: boolean;
}

interface ChannelRead {
  /** The user's read marker: never moves back. */
  lastReadId: number;
  /** The server's count of unread entries up to `through` (its snapshot), after the marker. */
  serverCount: number;
  /** The newest id the server's count covers. */
  through: number;
  /** Ids counted here that the server's count does not cover (newer than `through`, after the marker). */
  extra: Set<number>;
}

/**
 * Unread counts per channel (its `channelKey`), from the server's read state (RoomSnapshot.lastReadId and
 * unreadCount, Conversation.lastReadId and unreadCount) plus what arrived since. Only `message` entries by
 * others count, as the contract says. Read markers only move forward, whoever moves them (this tab, or
 * another tab or device through ReadMarkerMoved). Pure: no DOM, no connection.
 */
export class ReadState {
  private readonly channels = new Map<string, ChannelRead>();

  /** `mentionsOnly`: the counts are of mentions of the user (v3 `mentionCount`), kept as unread counts are. */
  constructor(private readonly me: string, private readonly mentionsOnly = false) {}

  /** Whether an entry is one that unread counts and notifications count (mention counts: and it mentions the user). */
  counts(entry: Countable): boolean {
    return (entry.kind ?? "message") === "message" && entry.authorId !== this.me && (!this.mentionsOnly || entry.mention === true);
  }

  count(key: string): number {
    const channel = this.channels.get(key);
    return channel ? channel.serverCount + channel.extra.size : 0;
  }

  lastReadId(key: string): number {
    return this.channels.get(key)?.lastReadId ?? 0;
  }

  /** Every channel's count, added up (the tab title's number). */
  total(): number {
    let total = 0;
    for (const key of this.channels.keys()) {
      total += this.count(key);
    }
    return total;
  }

  /**
   * The server's read state of a channel, as a (re)join snapshot or the conversation list gives it: its
   * marker, and how many entries after it were unread up to `through` (the newest id the answer covers).
   * Entries counted here that are newer than `through` stay counted.
   */
  baseline(key: string, lastReadId: number, unreadCount: number, through: number): void {
    const channel = this.channel(key);
    const behind = lastReadId < channel.lastReadId;
    channel.lastReadId = Math.max(channel.lastReadId, lastReadId);
    channel.through = through;
    // A marker this page moved but the server had not stored yet when it answered: its count is too high,
    // but only the entries up to the page's marker are known read.
    channel.serverCount = channel.lastReadId >= through ? 0 : behind ? Math.min(unreadCount, through - channel.lastReadId) : unreadCount;
    channel.extra = new Set([...channel.extra].filter((id) => id > through && id > channel.lastReadId));
  }

  /** Entries that reached the channel live or in a catch-up, each once. Returns whether the count changed. */
  arrived(key: string, entries: readonly Countable[]): boolean {
    const channel = this.channel(key);
    const before = channel.extra.size;
    for (const entry of entries) {
      if (this.counts(entry) && entry.id > channel.lastReadId && entry.id > channel.through) {
        channel.extra.add(entry.id);
      }
    }
    return channel.extra.size !== before;
  }

  /**
   * The marker moves to `throughId` (read here, or ReadMarkerMoved from another tab); `held` is what the page
   * holds of the channel, to count what is still unread after a marker that stopped short of the newest.
   * Returns whether the marker moved: a marker never moves back.
   */
  read(key: string, throughId: number, held: readonly Countable[]): boolean {
    const channel = this.channel(key);
    if (throughId <= channel.lastReadId) {
      return false;
    }
    channel.lastReadId = throughId;
    channel.serverCount = throughId >= channel.through
      ? 0
      : held.filter((e) => this.counts(e) && e.id > throughId && e.id <= channel.through).length;
    channel.extra = new Set([...channel.extra].filter((id) => id > throughId));
    return true;
  }

  forget(key: string): void {
    this.channels.delete(key);
  }

  private channel(key: string): ChannelRead {
    let channel = this.channels.get(key);
    if (!channel) {
      channel = { lastReadId: 0, serverCount: 0, through: 0, extra: new Set() };
      this.channels.set(key, channel);
    }
    return channel;
  }
}

/**
 * Where the "New messages" divider goes: after the read marker when anything is unread. A marker of 0 (a room
 * never read) puts it above the first message by someone else, as all of them are unread. Null: no divider.
 */
export function dividerAfter(unread: number, lastReadId: number): number | null {
  return unread > 0 ? lastReadId : null;
}

/** The tab title with the unread total in front, as `(3) HubApp chat`; the base title alone at none. */
export function titleText(base: string, total: number): string {
  return total > 0 ? `(${badgeText(total)}) ${base}` : base;
}

/** A count as a badge shows it. */
export function badgeText(count: number): string {
  return count > 99 ? "99+" : String(count);
}
