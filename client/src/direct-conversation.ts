import { HubMethods, type DirectMessage, type Member } from "./contract";
import type { Notice } from "./conversation-notice";
import { Conversation, HistoryPageSize, type Alert, type ConversationContext } from "./conversation";
import { directLine, type Arrival, type Line } from "./line";
import type { OutboxTarget } from "./outbox-entry";
import type { Channel } from "./rooms";
import type { HistoryEdge } from "./timeline-view";

/** A direct conversation with one other user. */
export class DirectConversation extends Conversation<DirectMessage> {
  readonly channel: Channel;
  readonly target: OutboxTarget;
  /** GetDirectHistory has been asked for the newest page since the page loaded. */
  historyLoaded = false;

  constructor(readonly partnerId: string, context: ConversationContext) {
    super(context);
    this.channel = { kind: "dm", userId: partnerId };
    this.target = { kind: "dm", userId: partnerId };
  }

  get title(): string {
    return `@${this.partnerName}`;
  }

  get composerLabel(): string {
    return `Message ${this.partnerName}`;
  }

  edge(): HistoryEdge {
    return { exhausted: this.historyExhausted, start: `This is the beginning of your conversation with ${this.partnerName}.` };
  }

  alert(line: Line): Alert {
    return { title: line.authorName, direct: true, mention: false };
  }

  /** Someone never seen here: said, as the name may be mistyped. */
  override notice(): Notice | null {
    return this.context.people.hasSeen(this.partnerId) ? null : { text: notSeenNote(this.partnerName) };
  }

  override wantsHistory(): boolean {
    return !this.historyLoaded && this.context.connection.connected;
  }

  async loadOlder(): Promise<number> {
    if (this.historyExhausted) {
      return 0;
    }
    const beforeId = this.historyLoaded ? this.timeline.firstId : null;
    const page = await this.context.connection.call<DirectMessage[]>(HubMethods.getDirectHistory, this.partnerId, beforeId, HistoryPageSize);
    this.historyLoaded = true;
    if (page.length < HistoryPageSize) {
      this.historyExhausted = true;
    }
    return this.merge(page, "history");
  }

  async markRead(messageId: number): Promise<void> {
    await this.context.connection.invoke(HubMethods.markDirectRead, this.partnerId, messageId);
  }

  /** (v3) EditDirectMessage: the returned `edit` entry is folded on at once, without waiting for its event. */
  async edit(messageId: number, text: string): Promise<void> {
    this.merge([await this.context.connection.call<DirectMessage>(HubMethods.editDirectMessage, messageId, text)], "new");
  }

  /** (v3) DeleteDirectMessage, likewise. */
  async remove(messageId: number): Promise<void> {
    this.merge([await this.context.connection.call<DirectMessage>(HubMethods.deleteDirectMessage, messageId)], "new");
  }

  async react(messageId: number, emoji: string, add: boolean): Promise<void> {
    this.stored([await this.context.connection.call<DirectMessage>(HubMethods.reactDirect, this.partnerId, messageId, emoji, add)]);
  }

  /** Direct messages have no GetMessages: the one just before `id + 1` is the message itself, when it exists. */
  protected async load(ids: readonly number[]): Promise<DirectMessage[]> {
    const found: DirectMessage[] = [];
    for (const id of ids) {
      const [message] = await this.context.connection.call<DirectMessage[]>(HubMethods.getDirectHistory, this.partnerId, id + 1, 1);
      if (message?.id === id) {
        found.push(message);
      }
    }
    return found;
  }

  override mentionable(): Member[] {
    return [{ userId: this.partnerId, userName: this.partnerName }];
  }

  /** Messages of this conversation from anywhere (live, sent, sync, history), each once; returns how many were new. */
  merge(messages: readonly DirectMessage[], arrival: Arrival): number {
    // Whichever brings the stored copy of an own message first (the live event, a sync, history) settles its outbox entry.
    this.settle(messages);
    this.context.people.remember(messages.map((m) => [m.fromUserId, m.fromUserName]));
    const placements = this.timeline.merge(messages);
    if (placements.length > 0) {
      this.show(placements, arrival);
    }
    return placements.length;
  }

  protected line(item: DirectMessage): Line {
    return directLine(item);
  }

  private get partnerName(): string {
    return this.context.people.nameOf(this.partnerId);
  }
}

/**
 * What the conversation with a user the page has never seen says: the page cannot know whether they exist, only
 * that they have not been here (see People.hasSeen); the message is sent all the same and waits for them.
 */
export function notSeenNote(name: string): string {
  return `${name} has not been seen here yet: they have not written to you and are in none of your rooms. Check the name; messages to ${name} are kept until they sign in.`;
}
