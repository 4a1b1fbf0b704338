import { HubMethods, type Attachment, type ChatMessage, type Member, type PresenceEvent } from "./contract";
import { Conversation, HistoryPageSize, type Alert, type ConversationContext } from "./conversation";
import { roomLine, type Arrival, type Line } from "./line";
import { mentionsMe } from "./message-text";
import type { OutboxEntry, OutboxTarget, Placing } from "./outbox-entry";
import type { Channel } from "./rooms";
import type { HistoryEdge } from "./timeline-view";
import type { RoomTyping } from "./session-typing";
import { describeTypists } from "./typing";

/** What a room needs besides what every conversation has: who types, and whether it is still the session's. */
export interface RoomContext extends ConversationContext {
  readonly typing: RoomTyping;
  /** The session holds this room (joined, not left or removed). */
  holds(room: RoomConversation): boolean;
}

/** Replies a thread panel reads at most (pages of the contract's largest `limit`). */
const maxThreadPages = 10;
const threadPageSize = 200;

/** A joined room: its log (messages, edits, deletes, reactions, thread replies) and who is present. */
export class RoomConversation extends Conversation<ChatMessage> {
  readonly members = new Map<string, Member>();
  readonly channel: Channel;
  readonly target: OutboxTarget;
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

  constructor(readonly name: string, private readonly room: RoomContext) {
    super(room);
    this.channel = { kind: "room", name };
    this.target = { kind: "room", room: name };
  }

  get title(): string {
    return `#${this.name}`;
  }

  get composerLabel(): string | null {
    return this.room.holds(this) ? `Message #${this.name}` : null; // Removed: the notice says why.
  }

  edge(): HistoryEdge {
    return { exhausted: this.historyExhausted, start: `This is the beginning of #${this.name}.` };
  }

  override typingLine(): string {
    return describeTypists(this.room.typing.indicators.names(this.name));
  }

  alert(line: Line): Alert {
    return { title: `${line.authorName} in #${this.name}`, direct: false, mention: line.mentionsMe === true };
  }

  override get threads(): boolean {
    return true;
  }

  /** GetThread, page after page (bounded): the thread's replies as stored now. */
  override async thread(rootId: number): Promise<Line[]> {
    const replies: ChatMessage[] = [];
    let afterId: number | null = null;
    for (let page = 0; page < maxThreadPages; page++) {
      const batch: ChatMessage[] = await this.context.connection.call<ChatMessage[]>(HubMethods.getThread, this.name, rootId, afterId, threadPageSize);
      replies.push(...batch);
      if (batch.length < threadPageSize) {
        break;
      }
      afterId = batch[batch.length - 1]!.id;
    }
    this.context.people.remember(replies.map((m) => [m.userId, m.userName]));
    return replies.map((m) => this.line(m));
  }

  /** Those present and those who wrote what the page holds. */
  override mentionable(): Member[] {
    const people = new Map<string, Member>();
    for (const message of this.timeline.all) {
      people.set(message.userId, { userId: message.userId, userName: message.userName });
    }
    for (const member of this.members.values()) {
      people.set(member.userId, member);
    }
    return [...people.values()];
  }

  override send(text: string, placing?: Placing, attachments?: readonly Attachment[]): OutboxEntry {
    this.room.typing.notifier.sent();
    return super.send(text, placing, attachments);
  }

  async loadOlder(): Promise<number> {
    if (this.historyExhausted) {
      return 0;
    }
    const beforeId = this.timeline.firstId;
    if (beforeId === null) {
      this.historyExhausted = true;
      return 0;
    }
    const page = await this.context.connection.call<ChatMessage[]>(HubMethods.getHistory, this.name, beforeId, HistoryPageSize);
    if (page.length < HistoryPageSize || page[0]?.id === 1) {
      this.historyExhausted = true;
    }
    const placements = this.timeline.merge(page);
    this.context.people.remember(page.map((m) => [m.userId, m.userName]));
    this.show(placements, "history");
    return placements.length;
  }

  async markRead(messageId: number): Promise<void> {
    await this.context.connection.invoke(HubMethods.markRead, this.name, messageId);
  }

  async react(messageId: number, emoji: string, add: boolean): Promise<void> {
    const target = await this.context.connection.call<ChatMessage>(HubMethods.react, this.name, messageId, emoji, add);
    this.stored([target]);
  }

  protected async load(ids: readonly number[]): Promise<ChatMessage[]> {
    const found = await this.context.connection.call<ChatMessage[]>(HubMethods.getMessages, this.name, ids);
    this.context.people.remember(found.map((m) => [m.userId, m.userName]));
    return found;
  }

  /** EditMessage: the returned `edit` entry is folded on at once, without waiting for its event. */
  async edit(messageId: number, text: string): Promise<void> {
    this.mergeReturned(await this.context.connection.call<ChatMessage>(HubMethods.editMessage, this.name, messageId, text));
  }

  /** DeleteMessage, likewise. */
  async remove(messageId: number): Promise<void> {
    this.mergeReturned(await this.context.connection.call<ChatMessage>(HubMethods.deleteMessage, this.name, messageId));
  }

  /** An entry an invocation returned, merged like its event (which may come before or after it). */
  mergeReturned(message: ChatMessage): void {
    if (this.room.holds(this)) {
      // The returned entry may overtake the events of earlier ones: it must not advance the sync point.
      this.show(this.timeline.merge([message]), "new");
    }
  }

  /** A MessageReceived; true when it skipped ids (a gap to repair: the sync point stays below it meanwhile). */
  receive(message: ChatMessage): boolean {
    this.context.people.remember([[message.userId, message.userName]]);
    this.room.typing.indicators.clear(this.name, message.userId);
    const gap = this.timeline.skipsAhead(message.id);
    if (gap) {
      // Before merging, so that the sync point stays below the hole until the catch-up has filled it.
      this.timeline.beginCatchUp();
    }
    const placement = this.timeline.mergeLive(message);
    if (placement) {
      this.show([placement], "new");
    }
    this.settle([message]);
    return gap;
  }

  /** A catch-up page (JoinRoom) merged; returns the sync point for the next page. */
  mergePage(messages: readonly ChatMessage[], complete: boolean, arrival: Arrival): number {
    const { placements, nextSinceId } = this.timeline.mergeCatchUp(messages, complete);
    this.context.people.remember(messages.map((m) => [m.userId, m.userName]));
    if (this.room.holds(this)) {
      this.show(placements, arrival);
    }
    this.settle(messages);
    return nextSinceId;
  }

  /** The members as the join snapshot lists them, with the presence events that came meanwhile on top. */
  resetMembers(members: readonly Member[]): void {
    this.members.clear();
    for (const member of members) {
      this.members.set(member.userId, member);
    }
    const during = this.presenceDuringJoin ?? [];
    this.presenceDuringJoin = null;
    for (const [event, present] of during) {
      this.setPresent(event, present);
    }
    this.context.people.remember(members.map((m) => [m.userId, m.userName]));
  }

  setPresent(event: PresenceEvent, present: boolean): void {
    if (present) {
      this.context.people.remember([[event.userId, event.userName]]);
      this.members.set(event.userId, { userId: event.userId, userName: event.userName });
    } else {
      this.members.delete(event.userId);
      this.room.typing.indicators.clear(this.name, event.userId);
    }
  }

  protected line(item: ChatMessage): Line {
    return roomLine(item, mentionsMe(item, { userId: this.context.me, userName: this.context.people.nameOf(this.context.me) }));
  }
}

