import { ClientEvents, HubMethods, type Conversation as ConversationSummary, type DirectMessage, type DirectSync } from "./contract";
import type { ConversationContext } from "./conversation";
import { DirectConversation } from "./direct-conversation";
import { partnerOf, syncDirectMessages } from "./direct-sync";
import { describeError } from "./errors";
import type { Arrival } from "./line";
import { draftOf, needsPost, type OutboxEntry } from "./outbox-entry";

export interface DirectListener {
  /** (v2) GetConversations answered (after every (re)connect): the conversations, most recent first. */
  conversationsListed(conversations: ConversationSummary[]): void;
}

/**
 * The session's direct messages: a conversation per partner, kept in step with the server by
 * `SyncDirectMessages` after every (re)connect and by live `DirectMessageReceived` events meanwhile.
 */
export class DirectMessages {
  readonly conversations = new Map<string, DirectConversation>();
  /** The `sinceId` for the next SyncDirectMessages; `synced` once one completed. */
  private syncedId: number | null = null;
  private synced = false;

  constructor(private readonly context: ConversationContext, private readonly listener: DirectListener) {
    context.connection.on<DirectMessage>(ClientEvents.directMessageReceived, (m) => this.merge([m], "new"));
  }

  /** The conversation with a user, made when first asked for. */
  conversation(partnerId: string): DirectConversation {
    let conversation = this.conversations.get(partnerId);
    if (!conversation) {
      conversation = new DirectConversation(partnerId, this.context);
      this.conversations.set(partnerId, conversation);
    }
    return conversation;
  }

  /**
   * After every (re)connect: the conversation list with its unread counts, then every direct message since the
   * last sync, so nothing sent while the page was away (or before it ever signed in) is missed.
   */
  async sync(): Promise<void> {
    const connection = this.context.connection;
    try {
      const conversations = await connection.call<ConversationSummary[]>(HubMethods.getConversations);
      this.context.people.remember(conversations.map((c) => [c.userId, c.userName]), false);
      for (const summary of conversations) {
        this.conversation(summary.userId);
      }
      this.listener.conversationsListed(conversations);
      const arrival: Arrival = this.synced ? "new" : "history";
      this.syncedId = await syncDirectMessages(
        (sinceId) => connection.call<DirectSync>(HubMethods.syncDirectMessages, sinceId),
        this.syncedId,
        (messages) => this.merge(messages, arrival),
      );
      this.synced = true;
    } catch (error) {
      this.context.report(describeError(error));
    }
  }

  /** One attempt at a direct message in the outbox (PostDirectMessage, PostDirect for a reply), the stored copy merged like an event. */
  async deliver(entry: OutboxEntry, userId: string): Promise<void> {
    const connection = this.context.connection;
    const message = needsPost(entry)
      ? await connection.call<DirectMessage>(HubMethods.postDirect, userId, draftOf(entry))
      : await connection.call<DirectMessage>(HubMethods.postDirectMessage, userId, entry.text, entry.id);
    this.merge([message], "new");
  }

  /** Direct messages from anywhere (live, sent, sync) into their conversations, each once. */
  private merge(messages: readonly DirectMessage[], arrival: Arrival): void {
    const byPartner = new Map<string, DirectMessage[]>();
    for (const message of messages) {
      const partnerId = partnerOf(message, this.context.me);
      let batch = byPartner.get(partnerId);
      if (!batch) {
        batch = [];
        byPartner.set(partnerId, batch);
      }
      batch.push(message);
    }
    for (const [partnerId, batch] of byPartner) {
      this.conversation(partnerId).merge(batch, arrival);
    }
  }
}
