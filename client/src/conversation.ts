// A conversation, a room or a direct one: its timeline, paging, sending, read marker and pending sends. The
// session merges what arrives into the conversation it belongs to, and the conversation hands the new lines to
// the page (session → conversation → view); the page asks the conversation, never "room or DM?".

import type { ChatConnection } from "./connection";
import type { Notice } from "./conversation-notice";
import type { ChatError } from "./errors";
import type { Outbox } from "./outbox";
import { foldPending, type OutboxEntry, type OutboxTarget } from "./outbox-entry";
import { countable, type Arrival, type Line, type PendingLine, type PlacedLine } from "./line";
import type { People } from "./people";
import type { Countable } from "./read-state";
import { channelKey, type Channel } from "./rooms";
import { Timeline, type Identified, type Placement } from "./timeline";
import type { HistoryEdge, Opened } from "./timeline-view";

/** Where a conversation's new lines go: the page. */
export interface ConversationListener {
  /** Lines merged into a conversation's timeline (none shown twice), each with where it goes. */
  messages(conversation: Conversation, lines: PlacedLine[], arrival: Arrival): void;
}

/** What every conversation of a session shares. */
export interface ConversationContext {
  readonly me: string;
  readonly connection: ChatConnection;
  readonly outbox: Outbox;
  readonly people: People;
  readonly listener: ConversationListener;
  /** Something the session did by itself (a rejoin, a sync) failed on a live connection: the page says why. */
  report(error: ChatError): void;
}

/** How a desktop notification reads for a line. */
export interface Alert {
  title: string;
  direct: boolean;
  /** The line mentions the user (`@name`). */
  mention: boolean;
}

/** The history page size for scroll-back. */
export const HistoryPageSize = 50;

export abstract class Conversation<T extends Identified & { clientMessageId?: string | null } = Identified> {
  readonly timeline = new Timeline<T>();
  /** The conversation's first message is held: there is nothing older to load. */
  historyExhausted = false;

  constructor(protected readonly context: ConversationContext) {}

  abstract readonly channel: Channel;
  /** Where its sends go in the outbox. */
  abstract readonly target: OutboxTarget;
  /** The pane's title: `#room` or `@name`. */
  abstract get title(): string;
  /** The composer's placeholder, or null when nothing can be sent here (a room the user was removed from). */
  abstract get composerLabel(): string | null;
  /** What sits above the oldest line. */
  abstract edge(): HistoryEdge;
  /** Loads the page of messages before the oldest one held (the newest page at first). Returns how many were new. */
  abstract loadOlder(): Promise<number>;
  /** Moves the user's read marker here (MarkRead / MarkDirectRead); the server never moves it back. */
  abstract markRead(messageId: number): Promise<void>;
  abstract alert(line: Line, myName: string): Alert;
  protected abstract line(item: T): Line;

  /** The key of its sidebar entry and unread count: `r:<room>` or `d:<userId>`. */
  get key(): string {
    return channelKey(this.channel);
  }

  get newestId(): number | null {
    return this.timeline.lastId;
  }

  /** Who is typing, as the line below the messages says it. */
  typingLine(): string {
    return "";
  }

  /** The lasting notice above its composer, null for none. */
  notice(): Notice | null {
    return null;
  }

  /** Opened for the first time since the page loaded: its newest page is to be read. */
  wantsHistory(): boolean {
    return false;
  }

  lines(): Line[] {
    return this.timeline.all.map((item) => this.line(item));
  }

  /** What the page holds of it, as unread counting sees it. */
  held(): Countable[] {
    return this.lines().map(countable);
  }

  /**
   * Puts a message in the outbox: it shows as "sending…" at once and goes when the conversation is ready on a
   * live connection, at the pace the server allows, retried with the same `clientMessageId` until it is stored.
   */
  send(text: string): OutboxEntry {
    return this.context.outbox.enqueue(this.target, text);
  }

  /** Its outbox entries that the timeline does not hold the stored copy of, as the pane shows them. */
  pending(): PendingLine[] {
    return foldPending(this.timeline.all, this.context.outbox.pendingFor(this.target)).map(pendingLine);
  }

  /** The pane's first view of it, the "New messages" divider after `unreadAfter`. */
  opened(unreadAfter: number | null): Opened {
    return { title: this.title, lines: this.lines(), pending: this.pending(), edge: this.edge(), typing: this.typingLine(), unreadAfter };
  }

  /** Merged items to the page, as lines. */
  protected show(placements: readonly Placement<T>[], arrival: Arrival): void {
    this.context.listener.messages(this, placements.map((p) => ({ line: this.line(p.item), beforeId: p.beforeId })), arrival);
  }

  /** The user's own stored messages seen anywhere settle their outbox entries (fold by clientMessageId). */
  protected settle(items: readonly T[]): void {
    for (const item of items) {
      const line = this.line(item);
      if (line.clientMessageId && line.authorId === this.context.me) {
        this.context.outbox.acknowledge(line.clientMessageId);
      }
    }
  }
}

const pendingLine = (entry: OutboxEntry): PendingLine => ({
  clientMessageId: entry.id,
  text: entry.text,
  failed: entry.status === "failed",
  ...(entry.error ? { reason: entry.error.message } : {}),
});
