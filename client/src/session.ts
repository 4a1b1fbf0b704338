import { AttachmentFiles } from "./attachment-files";
import type { Identity } from "./auth";
import { ChatConnection, type ConnectionStatus } from "./connection";
import { ClientEvents, type ReadMarker } from "./contract";
import type { Conversation, ConversationContext, ConversationListener } from "./conversation";
import type { ChatError } from "./errors";
import { Outbox } from "./outbox";
import type { OutboxEntry } from "./outbox-entry";
import { memoryOutboxStorage, type OutboxStorage } from "./outbox-storage";
import { People } from "./people";
import type { Channel } from "./rooms";
import { RoomAdministration } from "./session-admin";
import { DirectMessages, type DirectListener } from "./session-direct";
import { Rooms, type RoomsListener } from "./session-rooms";

/** What the page shows reacts to these; each is called after the session's state already changed. */
export interface SessionListener extends ConversationListener, RoomsListener, DirectListener {
  status(status: ConnectionStatus, error?: ChatError): void;
  /** An outbox entry was added, changed state (sending…, not sent) or left (stored, discarded). */
  outboxChanged(): void;
  /** (v2) The user's read marker moved in another tab or on another device. */
  readMarkerMoved(marker: ReadMarker): void;
}

/**
 * One signed-in user's chat, by concern: the connection and its reconnects (connection.ts), the rooms joined
 * (session-rooms.ts), the direct conversations (session-direct.ts), room administration (session-admin.ts), the
 * people seen (people.ts) and the outbox of what the user composed (outbox.ts), drained while connected. After
 * every (re)connect the rooms are rejoined and direct messages synced, so that nothing is missed.
 */
export class ChatSession {
  readonly connection: ChatConnection;
  readonly people: People;
  /** What the user composed and the server has not stored yet (see outbox.ts); drained while connected. */
  readonly outbox: Outbox;
  readonly rooms: Rooms;
  readonly direct: DirectMessages;
  readonly admin: RoomAdministration;
  /** (v3) Reads attachment files with the user's token. */
  readonly files: AttachmentFiles;

  constructor(readonly identity: Identity, listener: SessionListener, baseUrl = "", outboxStorage: OutboxStorage = memoryOutboxStorage()) {
    this.people = new People(identity.userId, identity.userName);
    this.connection = new ChatConnection(identity, baseUrl, {
      status: (status, error) => {
        if (status !== "connected") {
          this.rooms.offline();
        }
        this.outbox.setOnline(status === "connected");
        listener.status(status, error);
      },
      lost: () => this.rooms.forgetTyping(),
      reconnected: () => {
        void this.rooms.rejoinAll();
        void this.direct.sync();
      },
    });
    this.outbox = new Outbox({
      storage: outboxStorage,
      transport: {
        ready: (target) => (target.kind === "dm" ? this.connection.connected : this.rooms.ready(target.room)),
        deliver: (entry) => this.deliver(entry),
      },
      onChange: () => listener.outboxChanged(),
    });
    this.files = new AttachmentFiles(() => identity.token());
    const context: ConversationContext = {
      me: identity.userId,
      connection: this.connection,
      outbox: this.outbox,
      people: this.people,
      files: this.files,
      listener,
      report: (error) => {
        if (this.connection.connected) {
          listener.status(this.connection.status, error);
        }
      },
    };
    this.rooms = new Rooms(context, listener);
    this.direct = new DirectMessages(context, listener);
    this.admin = new RoomAdministration(this.connection);
    this.connection.on<ReadMarker>(ClientEvents.readMarkerMoved, (marker) => listener.readMarkerMoved(marker));
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /** Connects (or connects again after giving up) and rejoins the rooms held. Throws the reason it could not. */
  async start(): Promise<void> {
    await this.connection.start();
    await this.rooms.rejoinAll();
    await this.direct.sync();
  }

  async stop(): Promise<void> {
    this.rooms.typing.notifier.reset();
    await this.connection.stop();
  }

  /** The conversation a channel names: a joined room (undefined once left or removed), or a direct one. */
  conversationOf(channel: Channel): Conversation | undefined {
    return channel.kind === "room" ? this.rooms.joined.get(channel.name) : this.direct.conversation(channel.userId);
  }

  /** One attempt at an outbox entry, in its room or conversation. */
  private deliver(entry: OutboxEntry): Promise<void> {
    const target = entry.target;
    return target.kind === "dm" ? this.direct.deliver(entry, target.userId) : this.rooms.deliver(entry, target.room);
  }
}
