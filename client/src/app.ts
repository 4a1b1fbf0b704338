import { refusedSignInMessage, type Identity } from "./auth";
import type { AppConfig } from "./config";
import { confirmAction } from "./confirm";
import type { ChatMessage, Conversation, DirectMessage, MyRoom, ReadMarker, RoomInfo, RoomRemoval } from "./contract";
import { HubMethods, RoomNamePattern, type RoomMember } from "./contract";
import { byId } from "./dom";
import { describeError, type ChatError } from "./errors";
import { Composer } from "./composer";
import { CreateRoomDialog } from "./create-room";
import { DirectoryDialog, DirectoryLimit } from "./directory-view";
import { ConversationNotice } from "./conversation-notice";
import { DirectStart, notSeenNote } from "./direct-start";
import { lastEditable } from "./edit-target";
import { isChange } from "./fold";
import { MembersPanel } from "./members";
import { ActionLabels, memberCommand, sanctionQuestion, type Command } from "./moderation";
import { Notices } from "./notices";
import { DesktopNotifications, mentions, shouldNotify } from "./notifications";
import { foldPending, type OutboxEntry, type OutboxTarget } from "./outbox-entry";
import { browserOutboxStorage } from "./outbox-storage";
import { dividerAfter, ReadState, type Countable } from "./read-state";
import { removalNotice, withoutRoom } from "./removal";
import { RoomStanding } from "./room-standing";
import { RoomPanel } from "./room-panel";
import { listsLessThanPresent, mayUnban, moderates, roleOf, type MemberAction } from "./room-roles";
import { channelKey, Sidebar, type Channel } from "./rooms";
import { BansView } from "./bans-view";
import { ChatSession, type Arrival, type ConnectionStatus, type SessionListener } from "./session";
import { StatusBar } from "./status";
import type { Placement } from "./timeline";
import { directLine, roomLine, TimelineView, type Opened, type PendingLine, type PlacedLine } from "./timeline-view";
import { describeTypists } from "./typing";
import { UnreadSummary } from "./unread-summary";

/**
 * What this browser keeps of the user's last visit: that there was one (a first visit of a user without rooms joins
 * #general), and which room was open. The rooms themselves are the server's (GetMyRooms).
 */
export interface SavedRooms {
  visited(): boolean;
  active(): string | null;
  save(active: string | null): void;
}

/**
 * The signed-in page: wires the session to the page's regions (sidebar, timeline, members, composer, status
 * bar, notices) and keeps what they share, the open channel and the read state (unread counts, markers). Each
 * region owns its part of the DOM below #app; this class touches only #app itself.
 */
export class ChatApp implements SessionListener {
  readonly session: ChatSession;
  private active: Channel | null = null;
  private readonly reads: ReadState;
  /** Per channel, the newest read marker the server has (or has been sent): MarkRead only moves it further. */
  private readonly confirmed = new Map<string, number>();
  private loadingOlder = false;
  private readonly abort = new AbortController();
  /** Outbox entries already reported as not sent (each is told once). */
  private readonly failuresTold = new Set<string>();
  /** (v2) Per joined room, its kind, owner and roles as GetRoomInfo or RoomUpdated told them last. */
  private readonly infos = new Map<string, RoomInfo>();
  /** (v2) Private rooms the user was added to and has not joined (AddedToRoom), listed to join. */
  private readonly invited = new Set<string>();
  /** Rooms the user was kicked or banned from (listed, with a lasting notice, until closed), and mutes. */
  private readonly standing: RoomStanding;

  private readonly notices = new Notices();
  private readonly notice = new ConversationNotice(() => this.renderNotice());
  private readonly statusBar: StatusBar;
  private readonly sidebar: Sidebar;
  private readonly timeline: TimelineView;
  private readonly members: MembersPanel;
  private readonly composer: Composer;
  private readonly summary = new UnreadSummary();
  private readonly notifications: DesktopNotifications;
  private readonly directStart: DirectStart;
  private readonly roomPanel: RoomPanel;
  private readonly bans: BansView;
  private readonly createRoom: CreateRoomDialog;
  private readonly directory: DirectoryDialog;

  /**
   * `onSignOut` returns to the sign-in form: with no reason when the user signed out, with what to tell them
   * when the server refused their token (a Reconnect button could never work then).
   */
  constructor(identity: Identity, config: AppConfig, private readonly onSignOut: (reason?: string) => void, private readonly savedRooms: SavedRooms) {
    this.session = new ChatSession(identity, this, "", browserOutboxStorage(identity.userId));
    const signal = this.abort.signal;
    const me = identity.userId;
    this.reads = new ReadState(me);
    this.statusBar = new StatusBar(identity, { reconnect: () => void this.connect(), signOut: () => onSignOut() }, signal);
    this.sidebar = new Sidebar({
      open: (channel) => this.activate(channel),
      join: (name) => void this.joinRoom(name),
      leave: () => void this.leaveActiveRoom(),
    }, signal);
    this.timeline = new TimelineView(me, {
      loadOlder: () => void this.loadOlder(),
      retry: (id) => this.session.outbox.retry(id),
      discard: (id) => this.session.outbox.discard(id),
      latestSeen: () => this.markSeen(),
      edit: (id) => void this.beginEdit(id),
      remove: (id) => void this.deleteMessage(id),
    }, signal, identity.userName);
    this.members = new MembersPanel(me, { message: (userId) => this.openConversation(userId) }, signal);
    this.composer = new Composer(config.maxMessageLength, {
      send: (text) => this.send(text),
      input: (text) => this.session.composing(this.active?.kind === "room" ? this.active.name : null, text),
      notify: (message) => this.notices.toast(message),
      editLast: () => this.editLast(),
    }, signal);
    this.notifications = new DesktopNotifications((message) => this.notices.toast(message), signal);
    this.directStart = new DirectStart((userId) => this.openConversation(userId), () => this.session.knownUsers(), me, signal);
    this.roomPanel = new RoomPanel(me, {
      act: (action, member, until) => void this.moderate(action, member, until),
      invite: (userId) => void this.roomCommand({ method: HubMethods.inviteToRoom, args: [userId] }, `Invited ${userId}`),
      leaveForGood: () => void this.leaveForGood(),
      setTopic: (topic) => void this.setTopic(topic),
    }, signal);
    this.standing = new RoomStanding(me, {
      nameOf: (userId) => this.session.nameOf(userId),
      listRooms: (query) => this.session.listRooms(query, DirectoryLimit),
      join: (room) => void this.joinRoom(room),
      close: (room) => this.roomGone(room),
    });
    this.bans = new BansView({
      load: (room) => this.session.bans(room),
      unban: (room, userId) => {
        if (this.isActiveRoom(room)) {
          void this.roomCommand({ method: HubMethods.unbanFromRoom, args: [userId] }, `Unbanned ${this.session.nameOf(userId)}`);
        }
      },
      nameOf: (userId) => this.session.nameOf(userId),
    });
    this.createRoom = new CreateRoomDialog({
      create: async (room, visibility, topic) => {
        const info = await this.session.createRoom(room, visibility, topic);
        await this.joinRoom(info.room);
      },
    }, signal);
    this.directory = new DirectoryDialog({
      list: (query) => this.session.listRooms(query, DirectoryLimit),
      join: (room) => void this.joinRoom(room),
      joined: () => new Set(this.session.rooms.keys()),
    }, signal);
    document.addEventListener("visibilitychange", () => this.markSeen(), { signal });
    this.renderConversation();
  }

  /** Connects, then joins the user's rooms (or #general for a first visit of a user without any). */
  async start(): Promise<void> {
    byId("app").hidden = false;
    await this.connect();
  }

  /** Connects (again); on the first success joins the user's rooms as the server lists them (GetMyRooms). */
  private async connect(): Promise<void> {
    try {
      await this.session.start();
    } catch {
      return; // The status bar says why and offers to reconnect.
    }
    if (this.session.rooms.size > 0) {
      return; // start() rejoined them.
    }
    let rooms: string[];
    try {
      rooms = (await this.session.myRooms()).map((room) => room.room);
    } catch (error) {
      this.notices.toast(describeError(error).message);
      return;
    }
    // Read first: joining saves as it goes. A user who left every room, #general included, stays without one.
    const active = this.savedRooms.active();
    if (rooms.length === 0 && !this.savedRooms.visited()) {
      rooms = ["general"];
    }
    // Only the room shown is opened: opening a room reads it, and the others keep their unread counts.
    const shown = active !== null && rooms.includes(active) ? active : rooms[0];
    for (const room of rooms) {
      await this.joinRoom(room, false, room === shown);
    }
    const first = [...this.session.rooms.keys()][0];
    if (this.active === null && first !== undefined) {
      this.activate({ kind: "room", name: first });
    }
    this.composer.focus();
  }

  async dispose(): Promise<void> {
    this.abort.abort();
    await this.session.stop();
    this.timeline.clear();
    this.sidebar.clear();
    this.members.clear();
    this.notices.clear();
    this.summary.clear();
    this.notifications.clear();
    this.directStart.clear();
    this.notice.clear();
    this.roomPanel.clear();
    this.bans.clear();
    this.createRoom.close();
    this.directory.close();
    byId("app").hidden = true;
  }

  // ---- SessionListener -------------------------------------------------------------------------------------

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

  roomMessages(room: string, placements: Placement<ChatMessage>[], arrival: Arrival): void {
    if (placements.length === 0) {
      return;
    }
    const channel: Channel = { kind: "room", name: room };
    const open = this.isActiveRoom(room);
    if (open) {
      this.insertLines(channel, placements.map((p) => ({ line: roomLine(p.item), beforeId: p.beforeId })), arrival);
    }
    for (const { item } of placements) {
      if (isChange(item) && item.targetId != null) {
        this.notices.withdraw(channelKey(channel), item.targetId);
      }
    }
    if (arrival === "new") {
      const entries = placements.map((p) => roomEntry(p.item));
      const me = this.session.identity.userName;
      for (const { item } of placements) {
        if (this.reads.counts(roomEntry(item)) && shouldNotify({ direct: false, mention: mentions(item.text, me), open, hidden: document.hidden })) {
          this.alert(channel, `${item.userName} in #${room}`, item.text);
        }
      }
      this.countArrivals(channel, entries);
    }
  }

  membersChanged(room: string): void {
    if (this.isActiveRoom(room)) {
      this.renderMembers(room);
    }
    if (listsLessThanPresent(this.infos.get(room), this.session.rooms.get(room)?.members.keys() ?? [])) {
      void this.loadInfo(room);
    }
  }

  typingChanged(room: string): void {
    if (this.isActiveRoom(room)) {
      this.timeline.showTyping(describeTypists(this.session.typing.names(room)));
    }
  }

  directMessages(partnerId: string, placements: Placement<DirectMessage>[], arrival: Arrival): void {
    const channel: Channel = { kind: "dm", userId: partnerId };
    const known = this.sidebar.lists(channel);
    const open = this.active?.kind === "dm" && this.active.userId === partnerId;
    if (open) {
      this.insertLines(channel, placements.map((p) => ({ line: directLine(p.item), beforeId: p.beforeId })), arrival);
      this.renderNotice();
    }
    if (arrival === "new") {
      for (const { item } of placements) {
        if (this.reads.counts(directEntry(item)) && shouldNotify({ direct: true, mention: false, open, hidden: document.hidden })) {
          this.alert(channel, item.fromUserName, item.text);
        }
      }
      this.countArrivals(channel, placements.map((p) => directEntry(p.item)));
    }
    if (!known) {
      this.renderChannels();
    }
  }

  outboxChanged(): void {
    for (const entry of this.session.outbox.entries) {
      if (entry.status === "failed" && !this.failuresTold.has(entry.id)) {
        this.failuresTold.add(entry.id);
        this.notices.toast(`Not sent: ${entry.error?.message ?? "refused"}`);
      }
    }
    if (this.active) {
      this.timeline.showPending(this.pendingLines(this.active));
    }
  }

  roomReadState(room: string, lastReadId: number, unreadCount: number, through: number): void {
    const key = channelKey({ kind: "room", name: room });
    this.reads.baseline(key, lastReadId, unreadCount, through);
    this.confirm(key, lastReadId);
    this.renderChannels();
    this.markSeen();
    void this.loadInfo(room); // After every (re)join: roles may have changed while the page was away.
  }

  conversationsListed(conversations: Conversation[]): void {
    for (const conversation of conversations) {
      const key = channelKey({ kind: "dm", userId: conversation.userId });
      this.reads.baseline(key, conversation.lastReadId, conversation.unreadCount, conversation.lastMessage.id);
      this.confirm(key, conversation.lastReadId);
    }
    this.renderChannels();
    this.markSeen();
  }

  readMarkerMoved(marker: ReadMarker): void {
    const channel: Channel | null = marker.room !== null ? { kind: "room", name: marker.room }
      : marker.userId !== null ? { kind: "dm", userId: marker.userId } : null;
    if (channel === null) {
      return;
    }
    const key = channelKey(channel);
    this.confirm(key, marker.lastReadId);
    if (this.reads.read(key, marker.lastReadId, this.held(channel))) {
      this.renderChannels();
    }
  }

  roomAdded(info: RoomInfo): void {
    if (!this.session.rooms.has(info.room)) {
      this.invited.add(info.room);
      this.renderChannels();
    }
    this.notices.toast(`You were added to #${info.room}.`);
  }

  roomRemoved(removal: RoomRemoval): void {
    const notice = removalNotice(removal, (userId) => this.session.nameOf(userId), new Date());
    this.notices.announce(notice);
    this.invited.delete(removal.room);
    if (removal.reason === "left") {
      this.notices.toast(notice);
      this.roomGone(removal.room);
      return;
    }
    // Kicked or banned: the room stays listed, its notice in it (a toast would be gone in seconds), until closed.
    this.standing.removed(removal);
    this.roomGone(removal.room, true);
  }

  myRoomAdded(room: MyRoom): void {
    this.invited.delete(room.room);
    this.standing.forget(room.room);
    if (!this.session.rooms.has(room.room)) {
      void this.joinRoom(room.room, false, false);
    }
  }

  roomUpdated(info: RoomInfo): void {
    this.infos.set(info.room, info);
    if (this.isActiveRoom(info.room)) {
      this.renderRoom(info.room);
      this.renderNotice(); // A mute or unmute of the user.
    }
  }

  // ---- Actions ---------------------------------------------------------------------------------------------

  private async joinRoom(name: string, announce = true, open = true): Promise<void> {
    const trimmed = name.trim().replace(/^#/, "");
    if (!RoomNamePattern.test(trimmed)) {
      this.notices.toast(describeError(new Error("HubException: invalid_room: bad name")).message);
      return;
    }
    try {
      const room = await this.session.join(trimmed);
      if (this.invited.delete(room.name) || this.standing.forget(room.name)) {
        this.renderChannels();
      }
      if (open) {
        this.activate({ kind: "room", name: room.name });
      }
      if (announce) {
        this.notices.announce(`Joined #${room.name}`);
      }
    } catch (error) {
      const described = describeError(error);
      this.notices.toast(described.code === "forbidden" ? await this.standing.refusedJoin(trimmed.toLowerCase()) : described.message);
    }
  }

  /**
   * Leave: for good (LeaveRoomForGood), so that neither a reload nor another device brings the room back; a private
   * room asks first, as coming back needs an invitation. RemovedFromRoom (reason left) takes it away.
   */
  private async leaveActiveRoom(): Promise<void> {
    if (this.active?.kind !== "room") {
      return;
    }
    if (this.infos.get(this.active.name)?.kind === "private") {
      await this.leaveForGood();
      return;
    }
    const name = this.active.name;
    try {
      await this.session.leaveForGood(name);
    } catch (error) {
      const described = describeError(error);
      this.notices.toast(described.code === "forbidden" ? `You own #${name}: hand it over to someone first (About this room), then leave.` : described.message);
    }
  }

  /**
   * A room the session no longer holds (left, or removed): its state goes, and the first room left opens. With
   * `keepOpen` (kicked or banned) an open room stays open, its lines in view, its notice in place of the composer.
   */
  private roomGone(name: string, keepOpen = false): void {
    const key = channelKey({ kind: "room", name });
    this.reads.forget(key);
    this.confirmed.delete(key);
    this.infos.delete(name);
    if (keepOpen && this.isActiveRoom(name)) {
      this.renderChrome();
      this.renderChannels();
      return;
    }
    const saved = withoutRoom({ rooms: [...this.session.rooms.keys()], active: this.active?.kind === "room" ? this.active.name : null }, name);
    if (this.isActiveRoom(name) || this.active === null) {
      this.activate(saved.active !== null ? { kind: "room", name: saved.active } : null);
    } else {
      this.renderChannels();
    }
  }

  /** GetRoomInfo for a joined room; a server without it (or a refusal) leaves the room as a v1 one. */
  private async loadInfo(room: string): Promise<void> {
    try {
      const info = await this.session.roomInfo(room);
      if (this.session.rooms.has(room)) {
        this.roomUpdated(info);
        if (this.isActiveRoom(room)) {
          void this.bans.show(this.bansShown(info), true); // Read again: this follows every ban and unban.
        }
      }
    } catch {
      // Without the info the page offers what anyone may do: edit and delete their own messages.
    }
  }

  /** A member's action in the room panel; handing the room over is asked first, as it cannot be taken back. */
  private async moderate(action: MemberAction, member: RoomMember, until: string | null): Promise<void> {
    const room = this.active?.kind === "room" ? this.infos.get(this.active.name) : undefined;
    const question = action === "handOver" ? `Hand the room over to ${member.userName}? You become a moderator.`
      : room === undefined ? null : sanctionQuestion(action, member.userName, room.room, room.kind, until, new Date());
    if (question !== null && !(await confirmAction(question, ActionLabels[action]))) {
      return;
    }
    await this.roomCommand(memberCommand(action, member.userId, until), `${ActionLabels[action]}: ${member.userName}, done`);
  }

  private async setTopic(topic: string | null): Promise<void> {
    const target = this.active;
    if (target?.kind !== "room") {
      return;
    }
    try {
      this.roomUpdated(await this.session.updateRoom(target.name, topic));
      this.notices.announce("Topic saved");
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }

  private async leaveForGood(): Promise<void> {
    const target = this.active;
    if (target?.kind !== "room" || !(await confirmAction(`Leave #${target.name} for good? You need a new invitation to come back.`, "Leave"))) {
      return;
    }
    try {
      await this.session.leaveForGood(target.name);
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }

  /**
   * A room method on the open room. Kicks, bans and invitations change the member list without a RoomUpdated,
   * so the room's info is read again after each.
   */
  private async roomCommand(command: Command, done: string | null): Promise<void> {
    const target = this.active;
    if (target?.kind !== "room") {
      return;
    }
    try {
      await this.session.roomCommand(command.method, target.name, ...command.args);
    } catch (error) {
      this.notices.toast(describeError(error).message);
      return;
    }
    if (done !== null) {
      this.notices.announce(done);
    }
    if (this.session.rooms.has(target.name)) {
      void this.loadInfo(target.name);
    }
  }

  /** Edits a message of the open room in place (its Edit button, or ↑ in the empty composer). */
  private beginEdit(messageId: number): boolean {
    const target = this.active;
    if (target?.kind !== "room") {
      return false;
    }
    const room = target.name;
    return this.timeline.beginEdit(messageId, {
      save: async (text) => {
        try {
          await this.session.editMessage(room, messageId, text);
          return true;
        } catch (error) {
          this.notices.toast(describeError(error).message);
          return false;
        }
      },
      done: () => this.composer.focus(),
    });
  }

  /** ↑ in the empty composer: the user's newest message in the open room that is not deleted. */
  private editLast(): boolean {
    const target = this.active;
    const room = target?.kind === "room" ? this.session.rooms.get(target.name) : undefined;
    const last = room === undefined ? null : lastEditable(room.timeline.all, this.session.identity.userId);
    return last !== null && this.beginEdit(last.id);
  }

  private async deleteMessage(messageId: number): Promise<void> {
    const target = this.active;
    if (target?.kind !== "room" || !(await confirmAction("Delete this message for everyone?", "Delete"))) {
      return;
    }
    try {
      await this.session.deleteMessage(target.name, messageId);
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }

  /** The composer's text, into the outbox for the channel open when it was sent (resolves once it is there). */
  private async send(text: string): Promise<void> {
    const target = this.active;
    if (target?.kind === "room") {
      this.session.send(target.name, text);
    } else if (target?.kind === "dm") {
      this.session.sendDirect(target.userId, text);
    } else {
      throw new Error("Open a room or a conversation first.");
    }
  }

  private async loadOlder(): Promise<void> {
    const target = this.active;
    if (target === null || this.loadingOlder || this.historyExhausted(target)) {
      return;
    }
    this.loadingOlder = true;
    this.timeline.setLoadingOlder(true);
    try {
      if (target.kind === "room") {
        await this.session.loadOlder(target.name);
      } else {
        await this.session.loadDirectHistory(target.userId);
      }
    } catch (error) {
      this.notices.toast(describeError(error).message);
    } finally {
      this.loadingOlder = false;
      this.timeline.setLoadingOlder(false);
      this.renderHistoryEdge();
    }
  }

  openConversation(userId: string): void {
    this.session.conversation(userId);
    this.renderChannels();
    this.activate({ kind: "dm", userId });
  }

  // ---- Rendering -------------------------------------------------------------------------------------------

  private activate(target: Channel | null): void {
    this.session.composing(null, "");
    this.active = target;
    this.sidebar.close();
    this.renderChannels();
    this.renderConversation();
    this.saveRooms();
    this.composer.focus();
    if (target?.kind === "dm" && !this.session.conversation(target.userId).historyLoaded && this.session.connected) {
      void this.loadOlder(); // The newest page of the conversation's stored history.
    }
  }

  private renderChannels(): void {
    this.sidebar.render({
      rooms: [...this.session.rooms.keys()],
      invited: [...this.invited],
      removed: this.standing.rooms().filter((room) => !this.session.rooms.has(room)),
      partners: [...this.session.conversations.keys()],
      active: this.active,
      unread: (key) => this.reads.count(key),
      nameOf: (userId) => this.session.nameOf(userId),
    });
    this.summary.show(this.reads.total());
  }

  private renderConversation(): void {
    this.renderChrome();
    this.timeline.open(this.active === null ? null : this.opened(this.active));
  }

  /** Everything around the open conversation's lines: its notice, composer, Leave, members and room panel. */
  private renderChrome(): void {
    const target = this.active;
    const joined = target?.kind === "room" && this.session.rooms.has(target.name);
    this.renderNotice();
    this.sidebar.showLeave(joined);
    this.members.showFor(joined);
    if (target === null) {
      this.composer.setTarget(null);
      return;
    }
    if (target.kind === "room") {
      this.composer.setTarget(joined ? `Message #${target.name}` : null); // Removed: the notice says why.
      this.renderMembers(target.name);
      this.renderRoom(target.name);
    } else {
      this.composer.setTarget(`Message ${this.session.nameOf(target.userId)}`);
      this.roomPanel.clear();
      void this.bans.show(null);
    }
  }

  /**
   * The lasting notice above the composer: a room the user was removed from (with Close, and Join again after a
   * kick), a mute in force, or a conversation with someone never seen here.
   */
  private renderNotice(): void {
    const target = this.active;
    if (target?.kind === "dm") {
      this.notice.show(this.session.hasSeen(target.userId) ? null : { text: notSeenNote(this.session.nameOf(target.userId)) });
    } else {
      this.notice.show(target === null ? null : this.standing.notice(target.name, this.infos.get(target.name)));
    }
  }

  private opened(target: Channel): Opened {
    if (target.kind === "room") {
      const room = this.session.rooms.get(target.name);
      if (room === undefined) {
        return { title: `#${target.name}`, lines: [], pending: [], edge: null, typing: "", unreadAfter: null }; // Removed from it.
      }
      return {
        title: `#${room.name}`,
        lines: room.timeline.all.map(roomLine),
        pending: this.pendingLines(target),
        edge: { kind: "room", name: room.name, exhausted: room.historyExhausted },
        typing: describeTypists(this.session.typing.names(room.name)),
        unreadAfter: this.unreadAfter(target),
      };
    }
    const name = this.session.nameOf(target.userId);
    const conversation = this.session.conversation(target.userId);
    return {
      title: `@${name}`,
      lines: conversation.timeline.all.map(directLine),
      pending: this.pendingLines(target),
      edge: { kind: "dm", partnerName: name, exhausted: conversation.historyExhausted },
      typing: "",
      unreadAfter: this.unreadAfter(target),
    };
  }

  /** The channel's outbox entries that its timeline does not hold the stored copy of. */
  private pendingLines(channel: Channel): PendingLine[] {
    const target: OutboxTarget = channel.kind === "room" ? { kind: "room", room: channel.name } : { kind: "dm", userId: channel.userId };
    const stored = channel.kind === "room"
      ? this.session.rooms.get(channel.name)?.timeline.all ?? []
      : this.session.conversations.get(channel.userId)?.timeline.all ?? [];
    return foldPending(stored, this.session.pendingFor(target)).map(pendingLine);
  }

  private renderHistoryEdge(): void {
    const target = this.active;
    if (target?.kind === "room") {
      this.timeline.showEdge({ kind: "room", name: target.name, exhausted: this.session.rooms.get(target.name)?.historyExhausted ?? true });
    } else {
      this.timeline.showEdge(target ? { kind: "dm", partnerName: this.session.nameOf(target.userId), exhausted: this.historyExhausted(target) } : null);
    }
  }

  /** The open room's panel, and what the user's role there lets them do to others' messages. */
  private renderRoom(room: string): void {
    const info = this.infos.get(room);
    this.roomPanel.render(info ?? null);
    void this.bans.show(this.bansShown(info));
    this.timeline.setModerating(moderates(roleOf(info, this.session.identity.userId)));
  }

  /** The room whose bans the panel lists: the open one, to its owner and moderators; null for none. */
  private bansShown(info: RoomInfo | undefined): string | null {
    return info !== undefined && mayUnban(info.kind, roleOf(info, this.session.identity.userId)) ? info.room : null;
  }

  private renderMembers(room: string): void {
    this.members.render(this.session.rooms.get(room)?.members.values() ?? []);
  }

  private insertLines(channel: Channel, lines: PlacedLine[], arrival: Arrival): void {
    const me = this.session.identity.userId;
    for (const line of this.timeline.insert(lines, arrival)) {
      if (arrival === "new" && line.authorId !== me) {
        this.notices.announce(`${line.authorName}: ${line.text}`, { channel: channelKey(channel), id: line.id });
      }
    }
  }

  // ---- Read state ------------------------------------------------------------------------------------------

  private countArrivals(channel: Channel, entries: readonly Countable[]): void {
    if (this.reads.arrived(channelKey(channel), entries)) {
      this.renderChannels();
    }
    if (this.isActive(channel)) {
      this.markSeen();
    }
  }

  /**
   * Reading marks read: with a conversation open, the tab visible and its newest line scrolled into view, the
   * read marker moves to the newest entry held, here and (MarkRead / MarkDirectRead) on the server, which
   * tells the user's other tabs and devices.
   */
  private markSeen(): void {
    const target = this.active;
    if (target === null || document.visibilityState !== "visible" || !this.timeline.latestInView()) {
      return;
    }
    const key = channelKey(target);
    const newest = target.kind === "room" ? this.session.rooms.get(target.name)?.timeline.lastId ?? null
      : this.session.conversation(target.userId).timeline.lastId;
    if (newest === null) {
      return;
    }
    if (newest > this.reads.lastReadId(key) && this.reads.read(key, newest, this.held(target))) {
      this.renderChannels();
    }
    if (newest > (this.confirmed.get(key) ?? 0) && this.session.connected) {
      this.confirmed.set(key, newest);
      const marking = target.kind === "room" ? this.session.markRead(target.name, newest) : this.session.markDirectRead(target.userId, newest);
      marking.catch(() => {
        // Sent again when the newest line is next seen, or after the reconnect's snapshot.
        if (this.confirmed.get(key) === newest) {
          this.confirmed.delete(key);
        }
      });
    }
  }

  private confirm(key: string, lastReadId: number): void {
    this.confirmed.set(key, Math.max(this.confirmed.get(key) ?? 0, lastReadId));
  }

  /** What the page holds of a channel, as unread counting sees it. */
  private held(channel: Channel): Countable[] {
    if (channel.kind === "room") {
      return this.session.rooms.get(channel.name)?.timeline.all.map(roomEntry) ?? [];
    }
    return this.session.conversation(channel.userId).timeline.all.map(directEntry);
  }

  private unreadAfter(channel: Channel): number | null {
    const key = channelKey(channel);
    return dividerAfter(this.reads.count(key), this.reads.lastReadId(key));
  }

  private alert(channel: Channel, title: string, body: string): void {
    this.notifications.show({ title, body, tag: channelKey(channel), onClick: () => this.activate(channel) });
  }

  private historyExhausted(channel: Channel): boolean {
    return channel.kind === "room"
      ? this.session.rooms.get(channel.name)?.historyExhausted ?? true
      : this.session.conversation(channel.userId).historyExhausted;
  }

  private isActive(channel: Channel): boolean {
    return this.active !== null && channelKey(this.active) === channelKey(channel);
  }

  private isActiveRoom(room: string): boolean {
    return this.active?.kind === "room" && this.active.name === room;
  }

  private saveRooms(): void {
    this.savedRooms.save(this.active?.kind === "room" ? this.active.name : null);
  }
}

const pendingLine = (entry: OutboxEntry): PendingLine => ({
  clientMessageId: entry.id,
  text: entry.text,
  failed: entry.status === "failed",
  ...(entry.error ? { reason: entry.error.message } : {}),
});

const roomEntry = (m: ChatMessage): Countable => ({ id: m.id, authorId: m.userId, kind: m.kind });
const directEntry = (m: DirectMessage): Countable => ({ id: m.id, authorId: m.fromUserId });
