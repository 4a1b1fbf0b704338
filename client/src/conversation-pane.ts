import { lineSummary } from "./attachment-format";
import type { Composer } from "./composer";
import type { Attachment } from "./contract";
import type { Conversation } from "./conversation";
import { ConversationNotice, type Notice } from "./conversation-notice";
import { describeError } from "./errors";
import type { Arrival, Line, PlacedLine } from "./line";
import { shownOf } from "./fold";
import type { ReplyDraft } from "./reply-draft";
import { quoteOf } from "./reply-quote";
import type { ThreadPanel } from "./thread-panel";
import type { MembersPanel } from "./members";
import type { Notices } from "./notices";
import type { RoomAdmin } from "./room-admin";
import { channelKey, type Channel, type Sidebar } from "./rooms";
import type { ChatSession } from "./session";
import type { TimelineView } from "./timeline-view";

/** Scroll-back pages a jump to an older message (a quote, a search result) loads at most. */
const maxJumpPages = 40;

/** The regions the pane shows the open conversation in, and what it asks of the page's other parts. */
export interface PaneParts {
  timeline: TimelineView;
  composer: Composer;
  members: MembersPanel;
  sidebar: Sidebar;
  notices: Notices;
  admin: RoomAdmin;
  replyDraft: ReplyDraft;
  thread: ThreadPanel;
  /** The lasting notice of a room (removed from it, muted in it), null for none. */
  roomNotice(room: string): Notice | null;
  /** Where the "New messages" divider goes in a conversation (after this id; null for none). */
  unreadAfter(key: string): number | null;
}

/**
 * The open conversation and the regions around it: its lines (the timeline view), its notice, the composer's
 * target, Leave, the members and the room panel. The open channel may be a room the user was removed from: its
 * lines stay in view with the notice in place of the composer.
 */
export class ConversationPane {
  private active: Channel | null = null;
  private loadingOlder = false;
  private readonly notice = new ConversationNotice(() => this.renderNotice());

  constructor(private readonly session: ChatSession, private readonly parts: PaneParts) {}

  get channel(): Channel | null {
    return this.active;
  }

  /** The open conversation: undefined when none is open, or the open room let the user go. */
  open(): Conversation | undefined {
    return this.active === null ? undefined : this.session.conversationOf(this.active);
  }

  /** The open room's name (held or not); null when none is, or a direct conversation is open. */
  openRoom(): string | null {
    return this.active?.kind === "room" ? this.active.name : null;
  }

  /** Opens a channel (or none); `render` shows it. A reply being written and an open thread belong to the one before. */
  select(channel: Channel | null): void {
    if (this.active === null || channel === null || channelKey(this.active) !== channelKey(channel)) {
      this.parts.replyDraft.clear();
      this.parts.thread.clear();
      this.parts.composer.files.clear();
    }
    this.active = channel;
  }

  render(): void {
    this.renderChrome();
    const key = this.active === null ? null : channelKey(this.active);
    this.parts.timeline.open(key === null ? null : this.open()?.opened(this.parts.unreadAfter(key))
      ?? { title: `#${this.openRoom()}`, lines: [], pending: [], edge: null, typing: "", unreadAfter: null, source: null }); // Removed from it.
  }

  /** Everything around the open conversation's lines: its notice, composer, Leave, members and room panel. */
  renderChrome(): void {
    const room = this.openRoom();
    const joined = room !== null && this.session.rooms.joined.has(room);
    this.renderNotice();
    this.parts.sidebar.showLeave(joined);
    this.parts.members.showFor(joined);
    if (this.active === null) {
      this.parts.composer.setTarget(null);
      return;
    }
    this.parts.composer.setTarget(this.open()?.composerLabel ?? null); // Removed from a room: the notice says why.
    this.renderMembers();
    this.parts.admin.show(room);
  }

  /**
   * The lasting notice above the composer: a room the user was removed from (with Close, and Join again after a
   * kick), a mute in force, or a conversation with someone never seen here.
   */
  renderNotice(): void {
    const room = this.openRoom();
    this.notice.show(room !== null ? this.parts.roomNotice(room) : this.open()?.notice() ?? null);
  }

  renderMembers(): void {
    const room = this.openRoom();
    if (room !== null) {
      this.parts.members.render(this.session.rooms.joined.get(room)?.members.values() ?? []);
    }
  }

  /** New lines of a conversation: shown and announced if it is the open one; returns whether it is. */
  arrived(conversation: Conversation, lines: readonly PlacedLine[], arrival: Arrival): boolean {
    if (this.open() !== conversation) {
      return false;
    }
    const me = this.session.identity.userId;
    for (const line of this.parts.timeline.insert(lines, arrival)) {
      if (arrival === "new" && line.authorId !== me) {
        this.parts.notices.announce(`${line.authorName}: ${lineSummary(line.text, line.attachments)}`, { channel: conversation.key, id: line.id });
      }
    }
    this.parts.thread.arrived(conversation, lines.map((l) => l.line));
    for (const { line } of lines) {
      this.parts.replyDraft.changed(line);
    }
    this.renderNotice();
    return true;
  }

  /** (v3) The server's current state of messages of a conversation (React's answer). */
  updated(conversation: Conversation, lines: readonly Line[], asOf: number): void {
    if (this.open() === conversation) {
      this.parts.timeline.update(lines, asOf);
      this.parts.thread.updated(conversation, lines, asOf);
    }
  }

  /** "Reply": the message quoted above the composer, as the timeline shows it now. */
  replyTo(messageId: number): void {
    const line = this.open()?.find(messageId);
    if (line !== undefined) {
      this.parts.replyDraft.set(messageId, quoteOf(line, this.parts.timeline.shownOf(messageId) ?? shownOf(line)));
      this.parts.composer.focus();
    }
  }

  /** "Reply in thread", a thread line, or a jump to a thread reply: the thread panel on the root. */
  async openThread(rootId: number): Promise<void> {
    const conversation = this.open();
    if (conversation?.threads) {
      await this.parts.thread.open(conversation, rootId);
    }
  }

  /**
   * Shows a message of the open conversation: scrolled to in the timeline (older pages loaded until it is there,
   * a bounded number), or in its thread.
   */
  async reveal(messageId: number): Promise<void> {
    const conversation = this.open();
    if (conversation === undefined) {
      return;
    }
    try {
      const target = await conversation.fetch(messageId);
      if (target === null) {
        this.parts.notices.toast("That message is no longer there.");
        return;
      }
      if ((target.threadId ?? null) !== null) {
        await this.openThread(target.threadId!);
        this.parts.thread.show(messageId);
        return;
      }
      for (let page = 0; page < maxJumpPages && !this.parts.timeline.reveal(messageId); page++) {
        if (this.open() !== conversation || conversation.historyExhausted || (conversation.timeline.firstId ?? 0) < messageId) {
          break;
        }
        await this.loadOlder();
      }
      if (!this.parts.timeline.reveal(messageId) && this.open() === conversation) {
        this.parts.notices.toast("That message is too far back to show here.");
      }
    } catch (error) {
      this.parts.notices.toast(describeError(error).message);
    }
  }

  typingChanged(room: string): void {
    if (this.openRoom() === room) {
      this.parts.timeline.showTyping(this.open()?.typingLine() ?? "");
    }
  }

  pendingChanged(): void {
    if (this.active) {
      this.parts.timeline.showPending(this.open()?.pending() ?? []);
      this.parts.thread.pendingChanged();
    }
  }

  /** The composer's message, into the outbox for the conversation open when it was sent (resolves once it is there). */
  async send(text: string, attachments: readonly Attachment[]): Promise<void> {
    const conversation = this.open();
    if (conversation === undefined) {
      throw new Error("Open a room or a conversation first.");
    }
    conversation.send(text, this.parts.replyDraft.placing, attachments);
    this.parts.replyDraft.clear();
  }

  async loadOlder(): Promise<void> {
    const conversation = this.open();
    if (conversation === undefined || this.loadingOlder || conversation.historyExhausted) {
      return;
    }
    const timeline = this.parts.timeline;
    this.loadingOlder = true;
    timeline.setLoadingOlder(true);
    try {
      await conversation.loadOlder();
    } catch (error) {
      this.parts.notices.toast(describeError(error).message);
    } finally {
      this.loadingOlder = false;
      timeline.setLoadingOlder(false);
      timeline.showEdge(this.open()?.edge() ?? null);
    }
  }

  clear(): void {
    this.notice.clear();
  }
}
