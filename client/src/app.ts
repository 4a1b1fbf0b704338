import { refusedSignInMessage, type Identity } from "./auth";
import type { AppConfig } from "./config";
import type { ChatMessage, DirectMessage } from "./contract";
import { RoomNamePattern } from "./contract";
import { byId } from "./dom";
import { describeError, type ChatError } from "./errors";
import { Composer } from "./composer";
import { MembersPanel } from "./members";
import { Notices } from "./notices";
import { foldPending, keyValueOutboxStorage, type KeyValueStore, type OutboxEntry, type OutboxTarget } from "./outbox";
import { channelKey, Sidebar, type Channel } from "./rooms";
import { ChatSession, type Arrival, type ConnectionStatus, type SessionListener } from "./session";
import { StatusBar } from "./status";
import type { Placement } from "./timeline";
import { directLine, roomLine, TimelineView, type Opened, type PendingLine, type PlacedLine } from "./timeline-view";
import { describeTypists } from "./typing";

/** Where the rooms of the last visit are kept between visits, and which was open. */
export interface SavedRooms {
  load(): string[];
  save(rooms: string[], active: string | null): void;
  active(): string | null;
}

/**
 * The signed-in page: wires the session to the page's regions (sidebar, timeline, members, composer, status
 * bar, notices) and keeps what they share, the open channel and the unread counts. Each region owns its part
 * of the DOM below #app; this class touches only #app itself.
 */
export class ChatApp implements SessionListener {
  readonly session: ChatSession;
  private active: Channel | null = null;
  private readonly unread = new Map<string, number>();
  private loadingOlder = false;
  private readonly abort = new AbortController();
  /** Outbox entries already reported as not sent (each is told once). */
  private readonly failuresTold = new Set<string>();

  private readonly notices = new Notices();
  private readonly statusBar: StatusBar;
  private readonly sidebar: Sidebar;
  private readonly timeline: TimelineView;
  private readonly members: MembersPanel;
  private readonly composer: Composer;

  /**
   * `onSignOut` returns to the sign-in form: with no reason when the user signed out, with what to tell them
   * when the server refused their token (a Reconnect button could never work then).
   */
  constructor(identity: Identity, config: AppConfig, private readonly onSignOut: (reason?: string) => void, private readonly savedRooms: SavedRooms) {
    this.session = new ChatSession(identity, this, "", keyValueOutboxStorage(localStore(), identity.userId));
    const signal = this.abort.signal;
    const me = identity.userId;
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
    }, signal, identity.userName);
    this.members = new MembersPanel(me, { message: (userId) => this.openConversation(userId) }, signal);
    this.composer = new Composer(config.maxMessageLength, {
      send: (text) => this.send(text),
      input: (text) => this.session.composing(this.active?.kind === "room" ? this.active.name : null, text),
      notify: (message) => this.notices.toast(message),
    }, signal);
    this.renderConversation();
  }

  /** Connects, then rejoins the rooms of the last visit (or #general for a first one). */
  async start(): Promise<void> {
    byId("app").hidden = false;
    await this.connect();
  }

  /** Connects (again); on the first success joins the rooms of the last visit. */
  private async connect(): Promise<void> {
    try {
      await this.session.start();
    } catch {
      return; // The status bar says why and offers to reconnect.
    }
    if (this.session.rooms.size > 0) {
      return; // start() rejoined them.
    }
    const rooms = this.savedRooms.load();
    const active = this.savedRooms.active(); // Read first: joining saves as it goes.
    for (const room of rooms.length > 0 ? rooms : ["general"]) {
      await this.joinRoom(room, false);
    }
    if (active && this.session.rooms.has(active)) {
      this.activate({ kind: "room", name: active });
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
    if (this.isActiveRoom(room)) {
      this.insertLines(placements.map((p) => ({ line: roomLine(p.item), beforeId: p.beforeId })), arrival);
    } else if (arrival === "new") {
      this.bumpUnread({ kind: "room", name: room }, placements.filter((p) => p.item.userId !== this.session.identity.userId).length);
    }
  }

  membersChanged(room: string): void {
    if (this.isActiveRoom(room)) {
      this.renderMembers(room);
    }
  }

  typingChanged(room: string): void {
    if (this.isActiveRoom(room)) {
      this.timeline.showTyping(describeTypists(this.session.typing.names(room)));
    }
  }

  directMessages(partnerId: string, placements: Placement<DirectMessage>[]): void {
    const channel: Channel = { kind: "dm", userId: partnerId };
    const known = this.sidebar.lists(channel);
    if (this.active?.kind === "dm" && this.active.userId === partnerId) {
      this.insertLines(placements.map((p) => ({ line: directLine(p.item), beforeId: p.beforeId })), "new");
    } else {
      this.bumpUnread(channel, placements.filter((p) => p.item.fromUserId !== this.session.identity.userId).length);
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

  // ---- Actions ---------------------------------------------------------------------------------------------

  private async joinRoom(name: string, announce = true): Promise<void> {
    const trimmed = name.trim().replace(/^#/, "");
    if (!RoomNamePattern.test(trimmed)) {
      this.notices.toast(describeError(new Error("HubException: invalid_room: bad name")).message);
      return;
    }
    try {
      const room = await this.session.join(trimmed);
      this.activate({ kind: "room", name: room.name });
      if (announce) {
        this.notices.announce(`Joined #${room.name}`);
      }
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }

  private async leaveActiveRoom(): Promise<void> {
    if (this.active?.kind !== "room") {
      return;
    }
    const name = this.active.name;
    try {
      await this.session.leave(name);
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
    this.unread.delete(channelKey({ kind: "room", name }));
    const next = [...this.session.rooms.keys()][0];
    this.activate(next ? { kind: "room", name: next } : null);
    this.notices.announce(`Left #${name}`);
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
    if (this.active?.kind !== "room" || this.loadingOlder) {
      return;
    }
    const room = this.session.rooms.get(this.active.name);
    if (!room || room.historyExhausted) {
      return;
    }
    this.loadingOlder = true;
    this.timeline.setLoadingOlder(true);
    try {
      await this.session.loadOlder(room.name);
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
    if (target) {
      this.unread.delete(channelKey(target));
    }
    this.sidebar.close();
    this.renderChannels();
    this.renderConversation();
    this.saveRooms();
    this.composer.focus();
  }

  private renderChannels(): void {
    this.sidebar.render({
      rooms: [...this.session.rooms.keys()],
      partners: [...this.session.conversations.keys()],
      active: this.active,
      unread: (key) => this.unread.get(key) ?? 0,
      nameOf: (userId) => this.session.nameOf(userId),
    });
  }

  private renderConversation(): void {
    const target = this.active;
    const isRoom = target?.kind === "room";
    this.sidebar.showLeave(isRoom);
    this.members.showFor(isRoom);
    if (target === null) {
      this.composer.setTarget(null);
      this.timeline.open(null);
      return;
    }
    this.composer.setTarget(target.kind === "room" ? `Message #${target.name}` : `Message ${this.session.nameOf(target.userId)}`);
    if (target.kind === "room") {
      this.renderMembers(target.name);
    }
    this.timeline.open(this.opened(target));
  }

  private opened(target: Channel): Opened {
    if (target.kind === "room") {
      const room = this.session.rooms.get(target.name)!;
      return {
        title: `#${room.name}`,
        lines: room.timeline.all.map(roomLine),
        pending: this.pendingLines(target),
        edge: { kind: "room", name: room.name, exhausted: room.historyExhausted },
        typing: describeTypists(this.session.typing.names(room.name)),
      };
    }
    const name = this.session.nameOf(target.userId);
    return {
      title: `@${name}`,
      lines: this.session.conversation(target.userId).timeline.all.map(directLine),
      pending: this.pendingLines(target),
      edge: { kind: "dm", partnerName: name },
      typing: "",
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
      this.timeline.showEdge(target ? { kind: "dm", partnerName: this.session.nameOf(target.userId) } : null);
    }
  }

  private renderMembers(room: string): void {
    this.members.render(this.session.rooms.get(room)?.members.values() ?? []);
  }

  private insertLines(lines: PlacedLine[], arrival: Arrival): void {
    const me = this.session.identity.userId;
    for (const line of this.timeline.insert(lines, arrival)) {
      if (arrival === "new" && line.authorId !== me) {
        this.notices.announce(`${line.authorName}: ${line.text}`);
      }
    }
  }

  private bumpUnread(channel: Channel, count: number): void {
    if (count > 0) {
      const key = channelKey(channel);
      this.unread.set(key, (this.unread.get(key) ?? 0) + count);
      this.renderChannels();
    }
  }

  private isActiveRoom(room: string): boolean {
    return this.active?.kind === "room" && this.active.name === room;
  }

  private saveRooms(): void {
    this.savedRooms.save([...this.session.rooms.keys()], this.active?.kind === "room" ? this.active.name : null);
  }
}

const pendingLine = (entry: OutboxEntry): PendingLine => ({
  clientMessageId: entry.id,
  text: entry.text,
  failed: entry.status === "failed",
  ...(entry.error ? { reason: entry.error.message } : {}),
});

/** The page's localStorage, or null where reading it throws (storage disabled). */
function localStore(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
