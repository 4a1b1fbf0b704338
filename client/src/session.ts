import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import type { Identity } from "./auth";
import {
  ClientEvents,
  fromWire,
  HubMethods,
  HubPath,
  type ChatMessage,
  type Conversation as ConversationSummary,
  type DirectMessage,
  type DirectSync,
  type Member,
  type MyRoom,
  type PresenceEvent,
  type ReadMarker,
  type RoomBan,
  type RoomInfo,
  type RoomRemoval,
  type RoomSnapshot,
  type RoomSummary,
  type TypingEvent,
} from "./contract";
import { partnerOf, syncDirectMessages } from "./direct-sync";
import { describeError, type ChatError } from "./errors";
import { Outbox } from "./outbox";
import type { OutboxEntry, OutboxTarget } from "./outbox-entry";
import { memoryOutboxStorage, type OutboxStorage } from "./outbox-storage";
import { ReconnectPolicy } from "./retry";
import { Timeline, type Placement } from "./timeline";
import { connectionPlans, hubProtocol, mayFallBack, type ConnectionPlan } from "./transports";
import { TypingIndicators, TypingNotifier } from "./typing";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "disconnected";

/** Why messages reached a timeline: `history` is what the user had not missed (a first join, scroll-back). */
export type Arrival = "history" | "new";

/** What the page shows reacts to these; each is called after the session's state already changed. */
export interface SessionListener {
  status(status: ConnectionStatus, error?: ChatError): void;
  roomsChanged(): void;
  roomMessages(room: string, placements: Placement<ChatMessage>[], arrival: Arrival): void;
  membersChanged(room: string): void;
  typingChanged(room: string): void;
  directMessages(partnerId: string, placements: Placement<DirectMessage>[], arrival: Arrival): void;
  /** An outbox entry was added, changed state (sending…, not sent) or left (stored, discarded). */
  outboxChanged(): void;
  /** (v2) A room's read state after a (re)join: the marker, and the unread count up to `through`. */
  roomReadState(room: string, lastReadId: number, unreadCount: number, through: number): void;
  /** (v2) GetConversations answered (after every (re)connect): the conversations, most recent first. */
  conversationsListed(conversations: ConversationSummary[]): void;
  /** (v2) The user's read marker moved in another tab or on another device. */
  readMarkerMoved(marker: ReadMarker): void;
  /** (v2) The user was made a member of a private room (AddedToRoom); not joined yet. */
  roomAdded(info: RoomInfo): void;
  /** (v2) A room let the user go (RemovedFromRoom, or a rejoin refused): it is no longer among `rooms`. */
  roomRemoved(removal: RoomRemoval): void;
  /** (v2) A joined room's topic, roles or mutes changed (RoomUpdated). */
  roomUpdated(info: RoomInfo): void;
  /** (v3) A room was put on the user's list on another connection (RoomAdded): this page joins it too. */
  myRoomAdded(room: MyRoom): void;
}

/** How long a RoomRemoved waits for the RemovedFromRoom that says why (a kick or ban) before the room is let go as left. */
const roomRemovedGraceMs = 2_000;

/** (v2) The room methods that answer nothing: moderation, invitations, roles, leaving for good. */
export type RoomCommand = (typeof HubMethods)[
  "inviteToRoom" | "setRole" | "kickFromRoom" | "banFromRoom" | "unbanFromRoom" | "muteInRoom" | "unmuteInRoom" | "leaveRoomForGood"];

export class RoomState {
  readonly timeline = new Timeline<ChatMessage>();
  readonly members = new Map<string, Member>();
  /** GetHistory found the room's first message. */
  historyExhausted = false;
  /** Joined (or rejoined) on the current connection: its outbox entries may go. */
  live = false;
  /** A catch-up for a gap in live messages is running; `repairAgain`: another gap was seen meanwhile. */
  repairing = false;
  repairAgain = false;
  /**
   * Presence events that arrived while the room's first JoinRoom page was on its way, or null. They are applied again on
   * top of its snapshot: one that came right behind the answer is handled before the code awaiting the answer runs, and
   * replacing the list with the snapshot would drop it. Each is the newest word on its user, so replaying them is safe.
   */
  presenceDuringJoin: [PresenceEvent, boolean][] | null = null;

  constructor(readonly name: string) {}
}

export class Conversation {
  readonly timeline = new Timeline<DirectMessage>();
  /** GetDirectHistory has been asked for the newest page since the page loaded. */
  historyLoaded = false;
  /** GetDirectHistory found the conversation's first message. */
  historyExhausted = false;

  constructor(readonly partnerId: string) {}
}

/** The history page size for scroll-back. */
export const HistoryPageSize = 50;
/** Catch-up pages per rejoin before giving up (500 messages each by default). */
const maxCatchUpPages = 200;

/**
 * One signed-in user's chat: a SignalR connection that reconnects by itself (stateful reconnect first; a new
 * connection after a host restart), the rooms joined with their messages and members, and direct messages.
 * After every reconnect each room is rejoined with the last id it holds, so that nothing is missed, and every
 * timeline merges by id, so that nothing is shown twice. The connection is made by the first of
 * `connectionPlans` that starts (MessagePack over WebSockets, else JSON over Server-Sent Events, else MessagePack
 * over long polling) and keeps that transport and protocol until it is closed; automatic reconnects stay on it.
 */
export class ChatSession {
  readonly rooms = new Map<string, RoomState>();
  /** Rooms being joined for the first time, until their first snapshot: their presence events are kept for it. */
  private readonly joining = new Map<string, RoomState>();
  /** What the user composed and the server has not stored yet (see outbox.ts); drained while connected. */
  readonly outbox: Outbox;
  readonly conversations = new Map<string, Conversation>();
  readonly typing: TypingIndicators;
  private readonly names = new Map<string, string>();
  /** Users present in a room or author of a message the page holds (not those only named by the conversation list). */
  private readonly seen = new Set<string>();
  private readonly notifier: TypingNotifier;
  private connection: HubConnection;
  private currentPlan: ConnectionPlan;
  private current: ConnectionStatus = "disconnected";
  private stopped = false;
  /** The `sinceId` for the next SyncDirectMessages; `directSynced` once one completed. */
  private directSyncedId: number | null = null;
  private directSynced = false;

  constructor(
    readonly identity: Identity,
    private readonly listener: SessionListener,
    private readonly baseUrl = "",
    outboxStorage: OutboxStorage = memoryOutboxStorage(),
  ) {
    this.names.set(identity.userId, identity.userName);
    this.typing = new TypingIndicators((room) => listener.typingChanged(room));
    this.notifier = new TypingNotifier((room, isTyping) => {
      if (this.connected && this.rooms.has(room)) {
        this.connection.invoke(HubMethods.typing, room, isTyping).catch(() => {
          // Best effort: a lost typing notice expires on the others' side by itself.
        });
      }
    });
    this.currentPlan = connectionPlans[0]!;
    this.connection = this.build(this.currentPlan);
    this.outbox = new Outbox({
      storage: outboxStorage,
      transport: {
        // Rooms only once rejoined on this connection: a send before the rejoin would be refused not_in_room.
        ready: (target) => this.connected && (target.kind === "dm" || this.rooms.get(target.room)?.live === true),
        deliver: (entry) => this.deliver(entry),
      },
      onChange: () => listener.outboxChanged(),
    });
  }

  /** The transport and hub protocol of the connection made last (or about to be tried). */
  get plan(): ConnectionPlan {
    return this.currentPlan;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get connected(): boolean {
    return this.connection.state === HubConnectionState.Connected;
  }

  /** The display name of a user id seen in a room or a direct message (else the id itself). */
  nameOf(userId: string): string {
    return this.names.get(userId) ?? userId;
  }

  /** Connects (or connects again after giving up) and rejoins the rooms held. Throws the reason it could not. */
  async start(): Promise<void> {
    this.stopped = false;
    this.setStatus("connecting");
    let failure: unknown = null;
    for (const plan of connectionPlans) {
      if (plan !== this.currentPlan) {
        this.currentPlan = plan;
        this.connection = this.build(plan);
      }
      try {
        await this.connection.start();
        failure = null;
        break;
      } catch (error) {
        failure = error;
        if (this.stopped || !mayFallBack(error)) {
          break;
        }
      }
    }
    if (failure !== null) {
      const described = describeError(failure);
      this.setStatus("disconnected", described);
      throw Object.assign(new Error(described.message), { chat: described });
    }
    this.setStatus("connected");
    await this.rejoinAll();
    await this.syncDirect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.notifier.reset();
    await this.connection.stop();
  }

  /** Joins a room (or catches it up); returns its state. Throws ChatError-carrying errors. */
  async join(name: string): Promise<RoomState> {
    const key = name.trim().toLowerCase();
    const existing = this.rooms.get(key);
    const room = existing ?? new RoomState(key);
    let first: RoomSnapshot;
    if (existing) {
      first = await this.sync(room);
    } else {
      // Presence events of a room being joined for the first time reach it too (RoomState.presenceDuringJoin).
      this.joining.set(key, room);
      try {
        first = await this.sync(room);
      } finally {
        this.joining.delete(key);
      }
    }
    if (!existing) {
      this.rooms.set(first.room, room);
      this.listener.roomsChanged();
    }
    this.outbox.pump();
    return room;
  }

  async leave(name: string): Promise<void> {
    if (!this.forget(name)) {
      return;
    }
    if (this.connected) {
      await this.connection.invoke(HubMethods.leaveRoom, name);
    }
  }

  /** (v3) The user's rooms as the server keeps them (GetMyRooms), most recently active first. */
  myRooms(): Promise<MyRoom[]> {
    return this.call<MyRoom[]>(HubMethods.getMyRooms);
  }

  /**
   * (v3) LeaveRoomForGood: the room leaves the user's list on the server (so no reload or other device brings it
   * back) and every connection of theirs, this one included (RemovedFromRoom, reason left).
   */
  async leaveForGood(name: string): Promise<void> {
    await this.connection.invoke(HubMethods.leaveRoomForGood, name);
    if (this.rooms.has(name)) {
      this.removed({ room: name, reason: "left", byUserId: null, until: null });
    }
  }

  /** (v3) The room's bans in force (GetBans): owners, moderators and admins only. */
  bans(room: string): Promise<RoomBan[]> {
    return this.call<RoomBan[]>(HubMethods.getBans, room);
  }

  /** Drops a joined room from the session (not from the server); false when it was not held. */
  private forget(name: string): boolean {
    if (!this.rooms.delete(name)) {
      return false;
    }
    this.notifier.stop();
    this.typing.clearRoom(name);
    this.listener.roomsChanged();
    return true;
  }

  /**
   * The room let the user go: it is forgotten, so no reconnect rejoins it, and what the outbox held for it is
   * dropped, as it can no longer be sent there.
   */
  private removed(removal: RoomRemoval): void {
    if (!this.forget(removal.room) && removal.reason === "left") {
      return; // Let go already (LeaveRoomForGood's answer came before its event, or the other way round).
    }
    for (const entry of this.outbox.pendingFor({ kind: "room", room: removal.room })) {
      this.outbox.discard(entry.id);
    }
    this.listener.roomRemoved(removal);
  }

  // ---- Rooms, moderation, edits (v2) -----------------------------------------------------------------------

  /** EditMessage: the returned `edit` entry is folded on at once, without waiting for its event. */
  async editMessage(room: string, messageId: number, text: string): Promise<void> {
    this.mergeReturned(await this.call<ChatMessage>(HubMethods.editMessage, room, messageId, text));
  }

  /** DeleteMessage, likewise. */
  async deleteMessage(room: string, messageId: number): Promise<void> {
    this.mergeReturned(await this.call<ChatMessage>(HubMethods.deleteMessage, room, messageId));
  }

  /** The directory (ListRooms), most recently active first. */
  listRooms(query: string | null, limit: number): Promise<RoomSummary[]> {
    return this.call<RoomSummary[]>(HubMethods.listRooms, query, limit);
  }

  /** CreateRoom; does not join. */
  createRoom(room: string, visibility: "public" | "private", topic: string | null): Promise<RoomInfo> {
    return this.call<RoomInfo>(HubMethods.createRoom, room, visibility, topic);
  }

  /** UpdateRoom; RoomUpdated follows on every connection joined to the room. */
  updateRoom(room: string, topic: string | null): Promise<RoomInfo> {
    return this.call<RoomInfo>(HubMethods.updateRoom, room, topic);
  }

  roomInfo(room: string): Promise<RoomInfo> {
    return this.call<RoomInfo>(HubMethods.getRoomInfo, room);
  }

  /** A moderation or membership method; its effects come back as events (RoomUpdated, RemovedFromRoom, UserLeft). */
  async roomCommand(method: RoomCommand, room: string, ...args: unknown[]): Promise<void> {
    await this.connection.invoke(method, room, ...args);
  }

  /**
   * Puts a message to a room in the outbox: it shows as "sending…" at once and goes when the room is joined on a
   * live connection, at the pace the server allows, retried with the same `clientMessageId` until it is stored.
   */
  send(room: string, text: string): OutboxEntry {
    this.notifier.sent();
    return this.outbox.enqueue({ kind: "room", room }, text);
  }

  /** As `send`, for a direct message. */
  sendDirect(userId: string, text: string): OutboxEntry {
    return this.outbox.enqueue({ kind: "dm", userId }, text);
  }

  /** The outbox entries of a room or conversation that its timeline shows below the stored messages. */
  pendingFor(target: OutboxTarget): OutboxEntry[] {
    return this.outbox.pendingFor(target);
  }

  /** The composer's text changed in a room: keeps the others' typing indicator up to date. */
  composing(room: string | null, text: string): void {
    if (room === null) {
      this.notifier.stop();
    } else {
      this.notifier.input(room, text);
    }
  }

  /** Loads the page of messages before the oldest one held. Returns how many were new. */
  async loadOlder(name: string): Promise<number> {
    const room = this.rooms.get(name);
    if (!room || room.historyExhausted) {
      return 0;
    }
    const beforeId = room.timeline.firstId;
    if (beforeId === null) {
      room.historyExhausted = true;
      return 0;
    }
    const page = await this.call<ChatMessage[]>(HubMethods.getHistory, name, beforeId, HistoryPageSize);
    if (page.length < HistoryPageSize || page[0]?.id === 1) {
      room.historyExhausted = true;
    }
    const placements = room.timeline.merge(page);
    this.remember(page.map((m) => [m.userId, m.userName]));
    this.listener.roomMessages(name, placements, "history");
    return placements.length;
  }

  conversation(partnerId: string): Conversation {
    let conversation = this.conversations.get(partnerId);
    if (!conversation) {
      conversation = new Conversation(partnerId);
      this.conversations.set(partnerId, conversation);
    }
    return conversation;
  }

  /**
   * A connection for one plan. Its events reach the session only while it is the session's connection: one
   * left behind by a fallback cannot report a status or a message.
   */
  private build(plan: ConnectionPlan): HubConnection {
    const retries = new ReconnectPolicy();
    const connection = new HubConnectionBuilder()
      .withUrl(this.baseUrl + HubPath, { accessTokenFactory: () => this.identity.token(), transport: plan.transport })
      .withHubProtocol(hubProtocol(plan))
      .withAutomaticReconnect(retries)
      .withStatefulReconnect()
      .configureLogging(LogLevel.None)
      .build();
    connection.serverTimeoutInMilliseconds = 30_000;
    const on = <T>(event: string, handler: (argument: T) => void) =>
      connection.on(event, (argument: unknown) => {
        if (connection === this.connection) {
          handler(fromWire<T>(argument));
        }
      });
    on<ChatMessage>(ClientEvents.messageReceived, (m) => this.onMessage(m));
    on<PresenceEvent>(ClientEvents.userJoined, (e) => this.onPresence(e, true));
    on<PresenceEvent>(ClientEvents.userLeft, (e) => this.onPresence(e, false));
    on<TypingEvent>(ClientEvents.userTyping, (e) => this.onTyping(e));
    on<DirectMessage>(ClientEvents.directMessageReceived, (m) => this.onDirectMessage(m));
    on<ReadMarker>(ClientEvents.readMarkerMoved, (m) => this.listener.readMarkerMoved(m));
    on<RoomInfo>(ClientEvents.addedToRoom, (info) => this.listener.roomAdded(info));
    on<RoomRemoval>(ClientEvents.removedFromRoom, (removal) => this.removed(removal));
    on<MyRoom>(ClientEvents.roomAdded, (room) => this.listener.myRoomAdded(room));
    on<string>(ClientEvents.roomRemoved, (room) => {
      // Off the user's list: a RemovedFromRoom says why on a connection that joined it (kicked, banned, left). One
      // that does not come (the join lost on the server's side) lets the room go as left.
      setTimeout(() => {
        if (connection === this.connection && this.rooms.has(room)) {
          this.removed({ room, reason: "left", byUserId: null, until: null });
        }
      }, roomRemovedGraceMs);
    });
    on<RoomInfo>(ClientEvents.roomUpdated, (info) => {
      if (this.rooms.has(info.room)) {
        this.listener.roomUpdated(info);
      }
    });
    connection.onreconnecting(() => {
      if (connection === this.connection) {
        this.forgetTyping();
        this.setStatus("reconnecting");
      }
    });
    connection.onreconnected(() => {
      if (connection === this.connection) {
        this.setStatus("connected");
        void this.rejoinAll();
        void this.syncDirect();
      }
    });
    connection.onclose((closedBy) => {
      if (connection === this.connection) {
        const error = closedBy ?? retries.refusal;
        this.forgetTyping();
        this.setStatus("disconnected", this.stopped || !error ? undefined : describeError(error));
      }
    });
    return connection;
  }

  /** An invocation whose result is in the page's shapes, whichever protocol carried it. */
  private async call<T>(method: string, ...args: unknown[]): Promise<T> {
    return fromWire<T>(await this.connection.invoke(method, ...args));
  }

  /** JoinRoom with the room's sync point, again while the snapshot says more messages are waiting. */
  private async sync(room: RoomState): Promise<RoomSnapshot> {
    const arrival: Arrival = room.timeline.syncedId === null ? "history" : "new";
    room.timeline.beginCatchUp();
    let sinceId = room.timeline.syncedId;
    const sinceIdAtStart = sinceId;
    // The newest id the snapshots held: the server's unread count covers entries up to there.
    let covered = 0;
    let first: RoomSnapshot | undefined;
    for (let page = 0; page < maxCatchUpPages; page++) {
      if (!first) {
        room.presenceDuringJoin = [];
      }
      let snapshot: RoomSnapshot;
      try {
        snapshot = await this.call<RoomSnapshot>(HubMethods.joinRoom, room.name, sinceId);
      } catch (error) {
        room.presenceDuringJoin = null;
        throw error;
      }
      if (!first) {
        first = snapshot;
        room.members.clear();
        for (const member of snapshot.members) {
          room.members.set(member.userId, member);
        }
        const during = room.presenceDuringJoin ?? [];
        room.presenceDuringJoin = null;
        for (const [event, present] of during) {
          this.setPresent(room, event, present);
        }
        this.remember(snapshot.members.map((m) => [m.userId, m.userName]));
        if (this.rooms.has(room.name)) {
          this.listener.membersChanged(room.name);
        }
      }
      const { placements, nextSinceId } = room.timeline.mergeCatchUp(snapshot.messages, snapshot.complete);
      covered = snapshot.messages.reduce((max, m) => Math.max(max, m.id), covered);
      this.remember(snapshot.messages.map((m) => [m.userId, m.userName]));
      if (this.rooms.has(room.name)) {
        this.listener.roomMessages(room.name, placements, arrival);
      }
      this.settleOwn(snapshot.messages.map((m) => [m.userId, m.clientMessageId]));
      if (snapshot.complete) {
        break;
      }
      sinceId = nextSinceId;
    }
    // A room's ids start at 1 and are consecutive (contract "The room log"): holding id 1, nothing is older.
    if ((first && first.messages.length === 0 && arrival === "history") || room.timeline.firstId === 1) {
      room.historyExhausted = true;
    }
    if (first?.lastReadId !== undefined) {
      this.listener.roomReadState(room.name, first.lastReadId, first.unreadCount ?? 0, Math.max(covered, sinceIdAtStart ?? 0));
    }
    if (this.connected) {
      room.live = true;
      this.outbox.pump();
    }
    return first!;
  }

  private async rejoinAll(): Promise<void> {
    for (const room of [...this.rooms.values()]) {
      try {
        await this.sync(room);
      } catch (error) {
        const described = describeError(error);
        if (described.code === "forbidden") {
          // Banned, or no longer a member of a private room, while away: the room let the user go.
          this.removed({ room: room.name, reason: "kicked", byUserId: null, until: null });
          continue;
        }
        if (this.connected) {
          this.listener.status(this.current, described);
        }
        return;
      }
    }
  }

  private onMessage(message: ChatMessage): void {
    const room = this.rooms.get(message.room);
    if (!room) {
      return;
    }
    this.remember([[message.userId, message.userName]]);
    this.typing.clear(message.room, message.userId);
    const gap = room.timeline.skipsAhead(message.id);
    if (gap) {
      // Before merging, so that the sync point stays below the hole until the catch-up has filled it.
      room.timeline.beginCatchUp();
    }
    const placement = room.timeline.mergeLive(message);
    if (placement) {
      this.listener.roomMessages(message.room, [placement], "new");
    }
    this.settleOwn([[message.userId, message.clientMessageId]]);
    if (gap) {
      this.repair(room);
    }
  }

  /**
   * One catch-up, `JoinRoom(room, syncPoint)`, for messages a live event skipped; gaps seen while it runs are
   * covered by it or by one more. The timeline merges by id, so what was there already is not shown again.
   */
  private repair(room: RoomState): void {
    if (room.repairing) {
      room.repairAgain = true;
      return;
    }
    room.repairing = true;
    void (async () => {
      try {
        do {
          room.repairAgain = false;
          if (!this.connected || this.rooms.get(room.name) !== room) {
            break; // The rejoin after the reconnect catches up instead.
          }
          await this.sync(room);
        } while (room.repairAgain);
      } catch {
        // The connection went or the join was refused: the next rejoin catches up from the same sync point.
      } finally {
        room.repairing = false;
      }
    })();
  }

  /**
   * One attempt at an outbox entry: `PostMessage`/`PostDirectMessage` with its `clientMessageId` (a repeat returns
   * the stored one), the result merged like an event. A room that refuses with `not_in_room` although the session
   * holds it (the join was lost on the server's side) is joined again and the message sent once more.
   */
  private async deliver(entry: OutboxEntry): Promise<void> {
    const target = entry.target;
    if (target.kind === "dm") {
      const message = await this.call<DirectMessage>(HubMethods.postDirectMessage, target.userId, entry.text, entry.id);
      this.onDirectMessage(message);
      return;
    }
    const post = () => this.call<ChatMessage>(HubMethods.postMessage, target.room, entry.text, entry.id);
    let message: ChatMessage;
    try {
      message = await post();
    } catch (error) {
      const state = this.rooms.get(target.room);
      if (describeError(error).code !== "not_in_room" || !state || !this.connected) {
        throw error;
      }
      state.live = false;
      await this.sync(state);
      message = await post();
    }
    this.mergeReturned(message);
  }

  /** An entry an invocation returned, merged like its event (which may come before or after it). */
  private mergeReturned(message: ChatMessage): void {
    const state = this.rooms.get(message.room);
    if (state) {
      // The returned entry may overtake the events of earlier ones: it must not advance the sync point.
      this.listener.roomMessages(message.room, state.timeline.merge([message]), "new");
    }
  }

  /** The user's own stored messages seen anywhere settle their outbox entries (fold by clientMessageId). */
  private settleOwn(pairs: Iterable<[string, string | null | undefined]>): void {
    for (const [userId, clientMessageId] of pairs) {
      if (clientMessageId && userId === this.identity.userId) {
        this.outbox.acknowledge(clientMessageId);
      }
    }
  }

  private onPresence(event: PresenceEvent, present: boolean): void {
    const room = this.rooms.get(event.room) ?? this.joining.get(event.room);
    if (!room) {
      return;
    }
    room.presenceDuringJoin?.push([event, present]);
    this.setPresent(room, event, present);
    if (this.rooms.has(event.room)) {
      this.listener.membersChanged(event.room);
    }
  }

  private setPresent(room: RoomState, event: PresenceEvent, present: boolean): void {
    if (present) {
      this.remember([[event.userId, event.userName]]);
      room.members.set(event.userId, { userId: event.userId, userName: event.userName });
    } else {
      room.members.delete(event.userId);
      this.typing.clear(event.room, event.userId);
    }
  }

  private onTyping(event: TypingEvent): void {
    if (event.userId !== this.identity.userId && this.rooms.has(event.room)) {
      this.typing.update(event.room, event.userId, event.userName, event.isTyping);
    }
  }

  private onDirectMessage(message: DirectMessage): void {
    this.mergeDirect([message], "new");
  }

  // ---- Direct messages and read markers (v2) ---------------------------------------------------------------

  /**
   * Whether the user was seen here: present in one of the user's rooms, or the author of a room or direct message
   * the page holds. A conversation with only the user's own messages does not count.
   */
  hasSeen(userId: string): boolean {
    return userId === this.identity.userId || this.seen.has(userId);
  }

  /** The user ids and names the page has seen (presence, messages, conversations), for "Write to". */
  knownUsers(): ReadonlyMap<string, string> {
    return this.names;
  }

  /** The page of a conversation's messages before the oldest one held (the newest page at first). Returns how many were new. */
  async loadDirectHistory(partnerId: string): Promise<number> {
    const conversation = this.conversation(partnerId);
    if (conversation.historyExhausted) {
      return 0;
    }
    const beforeId = conversation.historyLoaded ? conversation.timeline.firstId : null;
    const page = await this.call<DirectMessage[]>(HubMethods.getDirectHistory, partnerId, beforeId, HistoryPageSize);
    conversation.historyLoaded = true;
    if (page.length < HistoryPageSize) {
      conversation.historyExhausted = true;
    }
    return this.mergeDirect(page, "history");
  }

  /** Moves the user's read marker in a room (MarkRead); the server never moves it back. */
  async markRead(room: string, messageId: number): Promise<void> {
    await this.connection.invoke(HubMethods.markRead, room, messageId);
  }

  /** Moves the user's read marker in a direct conversation (MarkDirectRead). */
  async markDirectRead(partnerId: string, messageId: number): Promise<void> {
    await this.connection.invoke(HubMethods.markDirectRead, partnerId, messageId);
  }

  /**
   * After every (re)connect: the conversation list with its unread counts, then every direct message since the
   * last sync, so nothing sent while the page was away (or before it ever signed in) is missed.
   */
  private async syncDirect(): Promise<void> {
    try {
      const conversations = await this.call<ConversationSummary[]>(HubMethods.getConversations);
      this.remember(conversations.map((c) => [c.userId, c.userName]), false);
      for (const summary of conversations) {
        this.conversation(summary.userId);
      }
      this.listener.conversationsListed(conversations);
      const arrival: Arrival = this.directSynced ? "new" : "history";
      this.directSyncedId = await syncDirectMessages(
        (sinceId) => this.call<DirectSync>(HubMethods.syncDirectMessages, sinceId),
        this.directSyncedId,
        (messages) => this.mergeDirect(messages, arrival),
      );
      this.directSynced = true;
    } catch (error) {
      if (this.connected) {
        this.listener.status(this.current, describeError(error));
      }
    }
  }

  /** Direct messages from anywhere (live, sent, sync, history) into their conversations, each once. */
  private mergeDirect(messages: readonly DirectMessage[], arrival: Arrival): number {
    const byPartner = new Map<string, DirectMessage[]>();
    // Whichever brings the stored copy of an own message first (the live event, a sync, history) settles its outbox entry.
    this.settleOwn(messages.map((m) => [m.fromUserId, m.clientMessageId]));
    for (const message of messages) {
      this.remember([[message.fromUserId, message.fromUserName]]);
      const partnerId = partnerOf(message, this.identity.userId);
      let batch = byPartner.get(partnerId);
      if (!batch) {
        batch = [];
        byPartner.set(partnerId, batch);
      }
      batch.push(message);
    }
    let added = 0;
    for (const [partnerId, batch] of byPartner) {
      const placements = this.conversation(partnerId).timeline.merge(batch);
      added += placements.length;
      if (placements.length > 0) {
        this.listener.directMessages(partnerId, placements, arrival);
      }
    }
    return added;
  }

  private forgetTyping(): void {
    this.notifier.reset();
    for (const room of this.rooms.keys()) {
      this.typing.clearRoom(room);
    }
  }

  /** Names for display; `seen`: the user was here (present in a room, or wrote something the page holds). */
  private remember(pairs: Iterable<[string, string]>, seen = true): void {
    for (const [id, name] of pairs) {
      this.names.set(id, name);
      if (seen) {
        this.seen.add(id);
      }
    }
  }

  private setStatus(status: ConnectionStatus, error?: ChatError): void {
    this.current = status;
    if (status !== "connected") {
      for (const room of this.rooms.values()) {
        room.live = false;
      }
    }
    this.outbox.setOnline(status === "connected");
    this.listener.status(status, error);
  }
}
