import {
  ClientEvents,
  HubMethods,
  type ChatMessage,
  type MyRoom,
  type PresenceBatch,
  type PresenceEvent,
  type RoomInfo,
  type RoomRemoval,
  type RoomSnapshot,
} from "./contract";
import type { ConversationContext } from "./conversation";
import { describeError } from "./errors";
import type { Arrival } from "./line";
import { draftOf, needsPost, type OutboxEntry } from "./outbox-entry";
import { presenceChanges } from "./presence-batch";
import { RoomConversation, type RoomContext } from "./room-conversation";
import { RoomTyping } from "./session-typing";

/** What the page hears of the user's rooms; each is called after the session's state already changed. */
export interface RoomsListener {
  roomsChanged(): void;
  membersChanged(room: string): void;
  typingChanged(room: string): void;
  /** (v2) A room's read state after a (re)join: the marker, and the unread count up to `through`. */
  roomReadState(room: string, lastReadId: number, unreadCount: number, through: number, mentionCount: number): void;
  /** (v3) A message mentions the user (`Mentioned`), in a room this page may not have joined. */
  mentioned(message: ChatMessage): void;
  /** (v2) A room let the user go (RemovedFromRoom, or a rejoin refused): it is no longer among the joined. */
  roomRemoved(removal: RoomRemoval): void;
  /** (v2) The user was made a member of a private room (AddedToRoom); not joined yet. */
  roomAdded(info: RoomInfo): void;
  /** (v2) A joined room's topic, roles or mutes changed (RoomUpdated). */
  roomUpdated(info: RoomInfo): void;
  /** (v3) A room was put on the user's list on another connection (RoomAdded): this page joins it too. */
  myRoomAdded(room: MyRoom): void;
}

/** How long a RoomRemoved waits for the RemovedFromRoom that says why (a kick or ban) before the room is let go as left. */
const roomRemovedGraceMs = 2_000;
/** Catch-up pages per rejoin before giving up (500 messages each by default). */
const maxCatchUpPages = 200;

/**
 * The rooms the session has joined, with their messages, members and typing. After every reconnect each room is
 * rejoined with the last id it holds (`JoinRoom(room, syncPoint)`), so that nothing is missed, and every timeline
 * merges by id, so that nothing is shown twice; a live message that skips ids starts the same catch-up at once.
 */
export class Rooms {
  readonly joined = new Map<string, RoomConversation>();
  /** Rooms being joined for the first time, until their first snapshot: their presence events are kept for it. */
  private readonly joining = new Map<string, RoomConversation>();
  readonly typing: RoomTyping;
  private readonly context: RoomContext;

  constructor(context: ConversationContext, private readonly listener: RoomsListener) {
    const connection = context.connection;
    this.typing = new RoomTyping(connection, context.me, (room) => this.joined.has(room), (room) => listener.typingChanged(room));
    this.context = { ...context, typing: this.typing, holds: (room) => this.joined.get(room.name) === room };
    connection.on<ChatMessage>(ClientEvents.messageReceived, (m) => this.onMessage(m));
    connection.on<PresenceEvent>(ClientEvents.userJoined, (e) => this.onPresence([[e, true]]));
    connection.on<PresenceEvent>(ClientEvents.userLeft, (e) => this.onPresence([[e, false]]));
    // (v3) The page asks for batched presence (connection.ts); the single events above stay for a host that does not batch.
    connection.on<PresenceBatch>(ClientEvents.presenceChanged, (batch) => this.onPresence(presenceChanges(batch)));
    connection.on<RoomInfo>(ClientEvents.addedToRoom, (info) => listener.roomAdded(info));
    connection.on<RoomRemoval>(ClientEvents.removedFromRoom, (removal) => this.removed(removal));
    connection.on<MyRoom>(ClientEvents.roomAdded, (room) => listener.myRoomAdded(room));
    connection.on<ChatMessage>(ClientEvents.mentioned, (message) => listener.mentioned(message));
    connection.on<string>(ClientEvents.roomRemoved, (room, current) => {
      // Off the user's list: a RemovedFromRoom says why on a connection that joined it (kicked, banned, left). One
      // that does not come (the join lost on the server's side) lets the room go as left.
      setTimeout(() => {
        if (current() && this.joined.has(room)) {
          this.removed({ room, reason: "left", byUserId: null, until: null });
        }
      }, roomRemovedGraceMs);
    });
    connection.on<RoomInfo>(ClientEvents.roomUpdated, (info) => {
      if (this.joined.has(info.room)) {
        listener.roomUpdated(info);
      }
    });
  }

  /** Joins a room (or catches it up); returns it. Throws ChatError-carrying errors. */
  async join(name: string): Promise<RoomConversation> {
    const key = name.trim().toLowerCase();
    const existing = this.joined.get(key);
    const room = existing ?? new RoomConversation(key, this.context);
    let first: RoomSnapshot;
    if (existing) {
      first = await this.sync(room);
    } else {
      // Presence events of a room being joined for the first time reach it too (RoomConversation.presenceDuringJoin).
      this.joining.set(key, room);
      try {
        first = await this.sync(room);
      } finally {
        this.joining.delete(key);
      }
    }
    if (!existing) {
      this.joined.set(first.room, room);
      this.listener.roomsChanged();
    }
    this.context.outbox.pump();
    return room;
  }

  /**
   * (v3) LeaveRoomForGood: the room leaves the user's list on the server (so no reload or other device brings it
   * back) and every connection of theirs, this one included (RemovedFromRoom, reason left).
   */
  async leaveForGood(name: string): Promise<void> {
    await this.context.connection.invoke(HubMethods.leaveRoomForGood, name);
    if (this.joined.has(name)) {
      this.removed({ room: name, reason: "left", byUserId: null, until: null });
    }
  }

  /** May the outbox send to this room now? Only once rejoined on this connection (else: not_in_room). */
  ready(room: string): boolean {
    return this.context.connection.connected && this.joined.get(room)?.live === true;
  }

  /** The connection is no longer up (or up again): no room is joined on it until rejoined. */
  offline(): void {
    for (const room of this.joined.values()) {
      room.live = false;
    }
  }

  /** The connection was lost or stopped: typing indicators, theirs and ours, are forgotten. */
  forgetTyping(): void {
    this.typing.forget(this.joined.keys());
  }

  async rejoinAll(): Promise<void> {
    for (const room of [...this.joined.values()]) {
      try {
        await this.sync(room);
      } catch (error) {
        const described = describeError(error);
        if (described.code === "forbidden") {
          // Banned, or no longer a member of a private room, while away: the room let the user go.
          this.removed({ room: room.name, reason: "kicked", byUserId: null, until: null });
          continue;
        }
        this.context.report(described);
        return;
      }
    }
  }

  /**
   * One attempt at a room message in the outbox: `PostMessage` with its `clientMessageId` (a repeat returns the
   * stored one), the result merged like an event. A room that refuses with `not_in_room` although the session
   * holds it (the join was lost on the server's side) is joined again and the message sent once more.
   */
  async deliver(entry: OutboxEntry, name: string): Promise<void> {
    const connection = this.context.connection;
    // A reply or a thread reply needs v3's Post; a plain message keeps PostMessage, which every server version has.
    const post = () => (needsPost(entry)
      ? connection.call<ChatMessage>(HubMethods.post, name, draftOf(entry))
      : connection.call<ChatMessage>(HubMethods.postMessage, name, entry.text, entry.id));
    let message: ChatMessage;
    try {
      message = await post();
    } catch (error) {
      const room = this.joined.get(name);
      if (describeError(error).code !== "not_in_room" || !room || !connection.connected) {
        throw error;
      }
      room.live = false;
      await this.sync(room);
      message = await post();
    }
    this.joined.get(message.room)?.mergeReturned(message);
  }

  /** JoinRoom with the room's sync point, again while the snapshot says more messages are waiting. */
  private async sync(room: RoomConversation): Promise<RoomSnapshot> {
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
        snapshot = await this.context.connection.call<RoomSnapshot>(HubMethods.joinRoom, room.name, sinceId);
      } catch (error) {
        room.presenceDuringJoin = null;
        throw error;
      }
      if (!first) {
        first = snapshot;
        room.resetMembers(snapshot.members);
        if (this.joined.has(room.name)) {
          this.listener.membersChanged(room.name);
        }
      }
      covered = snapshot.messages.reduce((max, m) => Math.max(max, m.id), covered);
      const nextSinceId = room.mergePage(snapshot.messages, snapshot.complete, arrival);
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
      this.listener.roomReadState(room.name, first.lastReadId, first.unreadCount ?? 0, Math.max(covered, sinceIdAtStart ?? 0), first.mentionCount ?? 0);
    }
    if (this.context.connection.connected) {
      room.live = true;
      this.context.outbox.pump();
    }
    return first!;
  }

  /**
   * The room let the user go: it is forgotten, so no reconnect rejoins it, and what the outbox held for it is
   * dropped, as it can no longer be sent there.
   */
  private removed(removal: RoomRemoval): void {
    if (!this.joined.delete(removal.room)) {
      if (removal.reason === "left") {
        return; // Let go already (LeaveRoomForGood's answer came before its event, or the other way round).
      }
    } else {
      this.typing.left(removal.room);
      this.listener.roomsChanged();
    }
    const outbox = this.context.outbox;
    for (const entry of outbox.pendingFor({ kind: "room", room: removal.room })) {
      outbox.discard(entry.id);
    }
    this.listener.roomRemoved(removal);
  }

  private onMessage(message: ChatMessage): void {
    const room = this.joined.get(message.room);
    if (room?.receive(message)) {
      this.repair(room);
    }
  }

  /**
   * One catch-up, `JoinRoom(room, syncPoint)`, for messages a live event skipped; gaps seen while it runs are
   * covered by it or by one more. The timeline merges by id, so what was there already is not shown again.
   */
  private repair(room: RoomConversation): void {
    if (room.repairing) {
      room.repairAgain = true;
      return;
    }
    room.repairing = true;
    void (async () => {
      try {
        do {
          room.repairAgain = false;
          if (!this.context.connection.connected || this.joined.get(room.name) !== room) {
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

  /** Applies presence changes of one room (a batch's, or a single event), then redraws its members once. */
  private onPresence(changes: readonly [PresenceEvent, boolean][]): void {
    const name = changes[0]?.[0].room;
    const room = name === undefined ? undefined : this.joined.get(name) ?? this.joining.get(name);
    if (!room) {
      return;
    }
    for (const [event, present] of changes) {
      room.presenceDuringJoin?.push([event, present]);
      room.setPresent(event, present);
    }
    if (this.joined.has(room.name)) {
      this.listener.membersChanged(room.name);
    }
  }
}
