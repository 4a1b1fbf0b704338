import { refusedSignInMessage, type Identity } from "./auth";
import type { AppConfig } from "./config";
import type { ConnectionStatus } from "./connection";
import type { ChatMessage, Conversation as ConversationSummary, MyRoom, ReadMarker, RoomInfo, RoomRemoval } from "./contract";
import type { Conversation } from "./conversation";
import { ConversationFeatures } from "./conversation-features";
import { ConversationPane } from "./conversation-pane";
import { Composer } from "./composer";
import { DirectStart } from "./direct-start";
import { byId } from "./dom";
import type { ChatError } from "./errors";
import { rewrites } from "./fold";
import { countable, type Arrival, type Line, type PlacedLine } from "./line";
import { MembersPanel } from "./members";
import { MessageEditing } from "./message-editing";
import { Notices } from "./notices";
import { DesktopNotifications } from "./notifications";
import { browserOutboxStorage } from "./outbox-storage";
import { onPushClicks, takeUrlTarget, WebPush, type PushTarget } from "./push-subscribe";
import { ReadSync } from "./read-sync";
import { RoomAdmin } from "./room-admin";
import { RoomMembership, type SavedRooms } from "./room-membership";
import { channelKey, Sidebar, type Channel } from "./rooms";
import { ChatSession, type SessionListener } from "./session";
import { StatusBar } from "./status";
import { TimelineView } from "./timeline-view";
import { UnreadSummary } from "./unread-summary";

export type { SavedRooms } from "./room-membership";

/**
 * The signed-in page: wires the session to the page's regions (sidebar, timeline, members, composer, status
 * bar, notices) and to the parts that keep state of their own (read-state sync, the user's rooms, room
 * administration). It keeps only the open channel; whatever differs between a room and a direct conversation is
 * the conversation's to say. Each region owns its part of the DOM below #app; this class touches only #app itself.
 */
export class ChatApp implements SessionListener {
  readonly session: ChatSession;
  private readonly abort = new AbortController();
  /** Outbox entries already reported as not sent (each is told once). */
  private readonly failuresTold = new Set<string>();

  private readonly notices = new Notices();
  private readonly statusBar: StatusBar;
  private readonly sidebar: Sidebar;
  private readonly timeline: TimelineView;
  private readonly members: MembersPanel;
  private readonly composer: Composer;
  private readonly summary = new UnreadSummary();
  private readonly notifications: DesktopNotifications;
  private readonly push: WebPush;
  private readonly directStart: DirectStart;
  private readonly readSync: ReadSync;
  private readonly admin: RoomAdmin;
  private readonly membership: RoomMembership;
  private readonly editing: MessageEditing;
  private readonly pane: ConversationPane;
  private readonly features: ConversationFeatures;

  /**
   * `onSignOut` returns to the sign-in form: with no reason when the user signed out, with what to tell them
   * when the server refused their token (a Reconnect button could never work then).
   */
  constructor(identity: Identity, config: AppConfig, private readonly onSignOut: (reason?: string) => void, private readonly savedRooms: SavedRooms) {
    this.session = new ChatSession(identity, this, "", browserOutboxStorage(identity.userId));
    const session = this.session;
    const signal = this.abort.signal;
    const me = identity.userId;
    this.push = new WebPush(() => identity.token(), (message) => this.notices.toast(message));
    // Signing out forgets this browser's push subscription first, while the token still works.
    const signOut = () => void this.push.unsubscribe().finally(() => onSignOut());
    this.statusBar = new StatusBar(identity, { reconnect: () => void this.connect(), signOut }, signal);
    this.sidebar = new Sidebar({
      open: (channel) => this.activate(channel),
      join: (name) => void this.membership.join(name),
      leave: () => void this.admin.leaveOpenRoom(),
    }, signal);
    this.features = new ConversationFeatures(session, config.maxMessageLength, this.notices, {
      pane: () => this.pane,
      editing: () => this.editing,
      activate: (channel) => this.activate(channel),
    }, signal);
    this.timeline = new TimelineView(me, {
      ...this.features.actions,
      loadOlder: () => void this.pane.loadOlder(),
      retry: (id) => session.outbox.retry(id),
      discard: (id) => session.outbox.discard(id),
      latestSeen: () => this.readSync.markSeen(),
    }, signal);
    this.members = new MembersPanel(me, { message: (userId) => this.openConversation(userId) }, signal);
    this.composer = new Composer(config.maxMessageLength, {
      send: (text) => this.pane.send(text),
      input: (text) => session.rooms.typing.composing(this.pane.openRoom(), text),
      notify: (message) => this.notices.toast(message),
      editLast: () => this.editing.editLast(),
    }, signal);
    this.notifications = new DesktopNotifications((message) => this.notices.toast(message), signal, this.push);
    onPushClicks((target) => this.openPushTarget(target), signal);
    this.directStart = new DirectStart((userId) => this.openConversation(userId), () => session.people.known(), me, signal);
    this.readSync = new ReadSync(me, {
      open: () => this.pane.open(),
      conversationOf: (channel) => session.conversationOf(channel),
      latestSeen: () => document.visibilityState === "visible" && this.timeline.latestInView(),
      connected: () => session.connected,
      countsChanged: () => this.renderChannels(),
    });
    this.admin = new RoomAdmin(session, this.notices, {
      openRoom: () => this.pane.openRoom(),
      noticeChanged: () => this.pane.renderNotice(),
      setModerating: (moderating) => [this.timeline, this.features.thread].forEach((list) => list.setModerating(moderating)),
    }, signal);
    this.membership = new RoomMembership(session, this.notices, {
      openRoom: () => this.pane.openRoom(),
      anyOpen: () => this.pane.channel !== null,
      activate: (channel) => this.activate(channel),
      channelsChanged: () => this.renderChannels(),
      chromeChanged: () => this.pane.renderChrome(),
      forgetRoom: (room) => {
        this.readSync.forget(channelKey({ kind: "room", name: room }));
        this.admin.forget(room);
      },
      info: (room) => this.admin.info(room),
    }, signal);
    this.pane = new ConversationPane(session, {
      timeline: this.timeline,
      composer: this.composer,
      members: this.members,
      sidebar: this.sidebar,
      notices: this.notices,
      admin: this.admin,
      replyDraft: this.features.replyDraft,
      thread: this.features.thread,
      roomNotice: (room) => this.membership.notice(room),
      unreadAfter: (key) => this.readSync.unreadAfter(key),
    });
    this.editing = new MessageEditing(session, [this.timeline, this.features.thread], this.notices, {
      open: () => this.pane.open(),
      done: () => this.composer.focus(),
    });
    document.addEventListener("visibilitychange", () => this.readSync.markSeen(), { signal });
    this.pane.render();
  }

  /** Connects, then joins the user's rooms (or #general for a first visit of a user without any). */
  async start(): Promise<void> {
    byId("app").hidden = false;
    await this.connect();
    const clicked = takeUrlTarget();
    if (clicked) {
      this.openPushTarget(clicked);
    }
  }

  /** Connects (again); on the first success joins the user's rooms as the server lists them (GetMyRooms). */
  private async connect(): Promise<void> {
    try {
      await this.session.start();
    } catch {
      return; // The status bar says why and offers to reconnect.
    }
    if (this.session.rooms.joined.size > 0) {
      return; // start() rejoined them.
    }
    if (await this.membership.joinMine(this.savedRooms)) {
      this.composer.focus();
    }
  }

  async dispose(): Promise<void> {
    this.abort.abort();
    await this.session.stop();
    for (const part of [this.timeline, this.sidebar, this.members, this.notices, this.summary, this.notifications, this.directStart, this.pane, this.admin, this.features]) {
      part.clear();
    }
    this.membership.close();
    byId("app").hidden = true;
  }

  // ---- SessionListener: the session's news, each to the part it concerns -------------------------------------

  status(status: ConnectionStatus, error?: ChatError): void {
    if (status === "disconnected" && error?.code === "unauthorized") {
      this.onSignOut(refusedSignInMessage(this.session.identity));
      return;
    }
    this.statusBar.show(status);
    this.composer.setConnected(status === "connected");
    if (error) {
      this.notices.toast(error.message);
    }
  }

  roomsChanged(): void {
    this.renderChannels();
    this.saveRooms();
  }

  /** New lines of a conversation: into the pane if it is open, announced, notified and counted. */
  messages(conversation: Conversation, lines: PlacedLine[], arrival: Arrival): void {
    if (lines.length === 0) {
      return;
    }
    const known = this.sidebar.lists(conversation.channel);
    const open = this.pane.arrived(conversation, lines, arrival);
    for (const { line } of lines) {
      if (rewrites(line) && line.targetId != null) {
        this.notices.withdraw(conversation.key, line.targetId);
      }
    }
    if (arrival === "new") {
      const counted = lines.map((l) => l.line).filter((line) => this.readSync.reads.counts(countable(line)));
      this.notifications.arrived(conversation, counted, open, () => this.activate(conversation.channel));
      this.readSync.arrived(conversation, lines.map((l) => countable(l.line)));
    }
    if (!known) {
      this.renderChannels();
    }
  }

  updated(conversation: Conversation, lines: Line[], asOf: number): void {
    this.pane.updated(conversation, lines, asOf);
  }

  /** (v3) Counted once with the room's own entry; notified here only for a room this page has not joined. */
  mentioned(message: ChatMessage): void {
    this.readSync.mentioned(message.room, { id: message.id, authorId: message.userId, kind: "message" });
    if (!this.session.rooms.joined.has(message.room)) {
      this.notifications.mentioned(message, () => this.activate({ kind: "room", name: message.room }));
    }
  }

  membersChanged(room: string): void {
    if (this.pane.openRoom() === room) {
      this.pane.renderMembers();
    }
    this.admin.membersChanged(room);
  }

  typingChanged(room: string): void {
    this.pane.typingChanged(room);
  }

  outboxChanged(): void {
    for (const entry of this.session.outbox.entries) {
      if (entry.status === "failed" && !this.failuresTold.has(entry.id)) {
        this.failuresTold.add(entry.id);
        this.notices.toast(`Not sent: ${entry.error?.message ?? "refused"}`);
      }
    }
    this.pane.pendingChanged();
  }

  roomReadState(room: string, lastReadId: number, unreadCount: number, through: number, mentionCount: number): void {
    this.readSync.roomBaseline(room, lastReadId, unreadCount, through, mentionCount);
    void this.admin.load(room); // After every (re)join: roles may have changed while the page was away.
  }

  conversationsListed(conversations: ConversationSummary[]): void {
    this.readSync.conversationsListed(conversations);
  }

  readMarkerMoved(marker: ReadMarker): void {
    this.readSync.markerMoved(marker);
  }

  roomAdded(info: RoomInfo): void {
    this.membership.added(info);
  }

  roomRemoved(removal: RoomRemoval): void {
    this.membership.removed(removal);
  }

  myRoomAdded(room: MyRoom): void {
    this.membership.addedElsewhere(room);
  }

  roomUpdated(info: RoomInfo): void {
    this.admin.updated(info);
  }

  // ---- The open conversation ---------------------------------------------------------------------------------

  openConversation(userId: string): void {
    this.session.direct.conversation(userId);
    this.renderChannels();
    this.activate({ kind: "dm", userId });
  }

  /** A clicked push: its room (joined first if need be), or the conversation with its sender. */
  private openPushTarget(target: PushTarget): void {
    if (target.kind === "room") {
      if (this.session.rooms.joined.has(target.name)) {
        this.activate({ kind: "room", name: target.name });
      } else {
        void this.membership.join(target.name);
      }
      return;
    }
    const partner = [...this.session.direct.conversations.keys()].find((id) => this.session.people.nameOf(id) === target.fromUserName);
    if (partner !== undefined) {
      this.openConversation(partner);
    }
  }

  private activate(target: Channel | null): void {
    this.session.rooms.typing.composing(null, "");
    this.pane.select(target);
    this.sidebar.close();
    this.renderChannels();
    this.pane.render();
    this.saveRooms();
    this.composer.focus();
    if (this.pane.open()?.wantsHistory()) {
      void this.pane.loadOlder(); // The newest page of the conversation's stored history.
    }
  }

  private renderChannels(): void {
    this.sidebar.render({
      rooms: [...this.session.rooms.joined.keys()],
      invited: this.membership.invitedRooms,
      removed: this.membership.removedRooms,
      partners: [...this.session.direct.conversations.keys()],
      active: this.pane.channel,
      unread: (key) => this.readSync.reads.count(key),
      mentions: (key) => this.readSync.mentions.count(key),
      nameOf: (userId) => this.session.people.nameOf(userId),
    });
    this.summary.show(this.readSync.reads.total());
  }

  private saveRooms(): void {
    this.savedRooms.save(this.pane.openRoom());
  }
}
