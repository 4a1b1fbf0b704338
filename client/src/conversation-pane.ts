import type { Composer } from "./composer";
import type { Conversation } from "./conversation";
import { ConversationNotice, type Notice } from "./conversation-notice";
import { describeError } from "./errors";
import type { Arrival, PlacedLine } from "./line";
import type { MembersPanel } from "./members";
import type { Notices } from "./notices";
import type { RoomAdmin } from "./room-admin";
import { channelKey, type Channel, type Sidebar } from "./rooms";
import type { ChatSession } from "./session";
import type { TimelineView } from "./timeline-view";

/** The regions the pane shows the open conversation in, and what it asks of the page's other parts. */
export interface PaneParts {
  timeline: TimelineView;
  composer: Composer;
  members: MembersPanel;
  sidebar: Sidebar;
  notices: Notices;
  admin: RoomAdmin;
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

  /** Opens a channel (or none); `render` shows it. */
  select(channel: Channel | null): void {
    this.active = channel;
  }

  render(): void {
    this.renderChrome();
    const key = this.active === null ? null : channelKey(this.active);
    this.parts.timeline.open(key === null ? null : this.open()?.opened(this.parts.unreadAfter(key))
      ?? { title: `#${this.openRoom()}`, lines: [], pending: [], edge: null, typing: "", unreadAfter: null }); // Removed from it.
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
        this.parts.notices.announce(`${line.authorName}: ${line.text}`, { channel: conversation.key, id: line.id });
      }
    }
    this.renderNotice();
    return true;
  }

  typingChanged(room: string): void {
    if (this.openRoom() === room) {
      this.parts.timeline.showTyping(this.open()?.typingLine() ?? "");
    }
  }

  pendingChanged(): void {
    if (this.active) {
      this.parts.timeline.showPending(this.open()?.pending() ?? []);
    }
  }

  /** The composer's text, into the outbox for the conversation open when it was sent (resolves once it is there). */
  async send(text: string): Promise<void> {
    const conversation = this.open();
    if (conversation === undefined) {
      throw new Error("Open a room or a conversation first.");
    }
    conversation.send(text);
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
