import type { Conversation as ConversationSummary, ReadMarker } from "./contract";
import type { Conversation } from "./conversation";
import { dividerAfter, ReadState, type Countable } from "./read-state";
import { channelKey, type Channel } from "./rooms";

/** What read-state sync asks of the page. */
export interface ReadSyncHost {
  /** The open conversation (undefined for none, or a room the user was removed from). */
  open(): Conversation | undefined;
  conversationOf(channel: Channel): Conversation | undefined;
  /** The tab is visible and the open conversation's newest line is scrolled into view. */
  latestSeen(): boolean;
  connected(): boolean;
  /** A count changed: the sidebar and the title show it again. */
  countsChanged(): void;
}

/**
 * The page's unread counts kept in step with the server: the counts start from the server's read state (a join
 * snapshot, the conversation list), arrivals add to them, and reading marks read here and on the server
 * (MarkRead / MarkDirectRead), whose ReadMarkerMoved tells the user's other tabs and devices.
 */
export class ReadSync {
  readonly reads: ReadState;
  /** (v3) Mentions of the user after the read marker, counted as unread messages are (`mentionCount`). */
  readonly mentions: ReadState;
  /** Per conversation, the newest read marker the server has (or has been sent): MarkRead only moves it further. */
  private readonly confirmed = new Map<string, number>();

  constructor(me: string, private readonly host: ReadSyncHost) {
    this.reads = new ReadState(me);
    this.mentions = new ReadState(me, true);
  }

  /** A room's read state after a (re)join. */
  roomBaseline(room: string, lastReadId: number, unreadCount: number, through: number, mentionCount: number): void {
    const key = channelKey({ kind: "room", name: room });
    this.baseline(key, lastReadId, unreadCount, through);
    this.mentions.baseline(key, lastReadId, mentionCount, through);
    this.host.countsChanged();
    this.markSeen();
  }

  /** (v3) `Mentioned`: a message of a room mentions the user (counted once, also when the room's own event brings it). */
  mentioned(room: string, entry: Countable): void {
    if (this.mentions.arrived(channelKey({ kind: "room", name: room }), [{ ...entry, mention: true }])) {
      this.host.countsChanged();
    }
  }

  /** The conversation list's read state, after every (re)connect. */
  conversationsListed(conversations: readonly ConversationSummary[]): void {
    for (const conversation of conversations) {
      const key = channelKey({ kind: "dm", userId: conversation.userId });
      this.baseline(key, conversation.lastReadId, conversation.unreadCount, conversation.lastMessage.id);
    }
    this.host.countsChanged();
    this.markSeen();
  }

  /** The user's marker moved in another tab or on another device. */
  markerMoved(marker: ReadMarker): void {
    const channel: Channel | null = marker.room !== null ? { kind: "room", name: marker.room }
      : marker.userId !== null ? { kind: "dm", userId: marker.userId } : null;
    if (channel === null) {
      return;
    }
    const key = channelKey(channel);
    this.confirm(key, marker.lastReadId);
    if (this.read(key, marker.lastReadId, this.host.conversationOf(channel)?.counted() ?? [])) {
      this.host.countsChanged();
    }
  }

  /** New entries in a conversation: counted, and read at once if it is open and its newest line in view. */
  arrived(conversation: Conversation, entries: readonly Countable[]): void {
    const mentioned = this.mentions.arrived(conversation.key, entries);
    if (this.reads.arrived(conversation.key, entries) || mentioned) {
      this.host.countsChanged();
    }
    if (this.host.open() === conversation) {
      this.markSeen();
    }
  }

  /**
   * Reading marks read: with a conversation open, the tab visible and its newest line scrolled into view, the
   * read marker moves to the newest entry held, here and on the server.
   */
  markSeen(): void {
    const conversation = this.host.open();
    if (conversation === undefined || !this.host.latestSeen()) {
      return;
    }
    const key = conversation.key;
    const newest = conversation.newestId;
    if (newest === null) {
      return;
    }
    if (newest > this.reads.lastReadId(key) && this.read(key, newest, conversation.counted())) {
      this.host.countsChanged();
    }
    if (newest > (this.confirmed.get(key) ?? 0) && this.host.connected()) {
      this.confirmed.set(key, newest);
      conversation.markRead(newest).catch(() => {
        // Sent again when the newest line is next seen, or after the reconnect's snapshot.
        if (this.confirmed.get(key) === newest) {
          this.confirmed.delete(key);
        }
      });
    }
  }

  /** Where the "New messages" divider goes in a conversation: after this id, or null for none. */
  unreadAfter(key: string): number | null {
    return dividerAfter(this.reads.count(key), this.reads.lastReadId(key));
  }

  /** A room the session no longer holds: its count and marker go. */
  forget(key: string): void {
    this.reads.forget(key);
    this.mentions.forget(key);
    this.confirmed.delete(key);
  }

  private baseline(key: string, lastReadId: number, unreadCount: number, through: number): void {
    this.reads.baseline(key, lastReadId, unreadCount, through);
    this.confirm(key, lastReadId);
  }

  /** Both counts after the marker moved; whether it moved. */
  private read(key: string, throughId: number, held: readonly Countable[]): boolean {
    this.mentions.read(key, throughId, held);
    return this.reads.read(key, throughId, held);
  }

  private confirm(key: string, lastReadId: number): void {
    this.confirmed.set(key, Math.max(this.confirmed.get(key) ?? 0, lastReadId));
  }
}
