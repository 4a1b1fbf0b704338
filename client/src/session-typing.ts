import type { ChatConnection } from "./connection";
import { ClientEvents, HubMethods, type TypingEvent } from "./contract";
import { TypingIndicators, TypingNotifier } from "./typing";

/**
 * Typing in the session's rooms: the others' indicators (UserTyping, expiring by themselves) and the user's own
 * notices (Typing), sent best effort while connected to a room the session holds.
 */
export class RoomTyping {
  readonly indicators: TypingIndicators;
  readonly notifier: TypingNotifier;

  constructor(connection: ChatConnection, me: string, holds: (room: string) => boolean, changed: (room: string) => void) {
    this.indicators = new TypingIndicators(changed);
    this.notifier = new TypingNotifier((room, isTyping) => {
      if (connection.connected && holds(room)) {
        connection.invoke(HubMethods.typing, room, isTyping).catch(() => {
          // Best effort: a lost typing notice expires on the others' side by itself.
        });
      }
    });
    connection.on<TypingEvent>(ClientEvents.userTyping, (event) => {
      if (event.userId !== me && holds(event.room)) {
        this.indicators.update(event.room, event.userId, event.userName, event.isTyping);
      }
    });
  }

  /** The composer's text changed in a room (null: none open): keeps the others' typing indicator up to date. */
  composing(room: string | null, text: string): void {
    if (room === null) {
      this.notifier.stop();
    } else {
      this.notifier.input(room, text);
    }
  }

  /** A room the session let go: the user's typing there stops, and so do the others' indicators. */
  left(room: string): void {
    this.notifier.stop();
    this.indicators.clearRoom(room);
  }

  /** The connection was lost or stopped: typing indicators, theirs and ours, are forgotten. */
  forget(rooms: Iterable<string>): void {
    this.notifier.reset();
    for (const room of rooms) {
      this.indicators.clearRoom(room);
    }
  }
}
