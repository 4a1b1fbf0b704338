import type { RoomInfo, RoomKind, RoomRemoval, RoomSummary } from "./contract";
import type { Notice } from "./conversation-notice";
import { banInForce, mutedNotice, refusedJoinNotice, removalNotice } from "./removal";

export interface StandingActions {
  nameOf(userId: string): string;
  /** The directory's rooms matching a name (ListRooms), to tell a ban from a private room. */
  listRooms(query: string): Promise<RoomSummary[]>;
  /** Join again (after a kick). */
  join(room: string): void;
  /** The user closed a removed room's notice: the room goes from the page. */
  close(room: string): void;
}

/**
 * The user's standing in rooms as the page knows it: the rooms they were kicked or banned from (listed, with their
 * lasting notice, until closed or joined again) and their mutes (from RoomInfo). It words the notice above the
 * composer and a refused join; the wording itself is removal.ts's.
 */
export class RoomStanding {
  private readonly removals = new Map<string, RoomRemoval>();

  constructor(private readonly me: string, private readonly actions: StandingActions) {}

  /** Kicked or banned (RemovedFromRoom). */
  removed(removal: RoomRemoval): void {
    this.removals.set(removal.room, removal);
  }

  /** Joined again, or closed: the removal is over. Returns whether there was one. */
  forget(room: string): boolean {
    return this.removals.delete(room);
  }

  /** The rooms the user was removed from. */
  rooms(): string[] {
    return [...this.removals.keys()];
  }

  /**
   * The notice for the open room: removed from it (with Close, and Join again after a kick), or muted in it (`info`
   * as GetRoomInfo or RoomUpdated told it last); null for none.
   */
  notice(room: string, info: RoomInfo | undefined, now = new Date()): Notice | null {
    const removal = this.removals.get(room);
    if (removal !== undefined) {
      const close = { label: "Close", run: () => this.close(room) };
      const join = { label: "Join again", run: () => this.actions.join(room) };
      return {
        text: removalNotice(removal, (userId) => this.actions.nameOf(userId), now),
        actions: removal.reason === "kicked" && removal.byUserId !== null ? [join, close] : [close],
      };
    }
    const mine = info?.members.find((m) => m.userId === this.me);
    const muted = mutedNotice(room, mine?.mutedUntil ?? null, now);
    return muted === null ? null : { text: muted, refreshAt: Date.parse(mine!.mutedUntil!) }; // Gone when the mute ends.
  }

  /** Why a join was refused (`forbidden`): a ban the page saw, else what the directory says of the room. */
  async refusedJoin(room: string): Promise<string> {
    const ban = this.removals.get(room);
    let listed: RoomKind | null = null;
    if (!banInForce(ban, new Date())) {
      try {
        listed = (await this.actions.listRooms(room)).find((r) => r.room === room)?.kind ?? null;
      } catch {
        // Said as a room the user may not join.
      }
    }
    return refusedJoinNotice(room, ban, listed, (userId) => this.actions.nameOf(userId), new Date());
  }

  private close(room: string): void {
    this.removals.delete(room);
    this.actions.close(room);
  }
}
