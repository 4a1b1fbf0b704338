import type { RoomKind, RoomRemoval } from "./contract";
import { describeUntil } from "./durations";

/**
 * What the user is told when a room lets them go (RemovedFromRoom): "You were banned from #town by alice until
 * …", "… for good", "You were removed from #town by alice". Kept in the room as a lasting notice (see app.ts).
 */
export function removalNotice(removal: RoomRemoval, nameOf: (userId: string) => string, now: Date): string {
  const room = `#${removal.room}`;
  if (removal.reason === "left") {
    return `You left ${room}.`;
  }
  if (removal.byUserId === null && removal.reason === "kicked") {
    // A rejoin refused after being away: kicked from a private room or banned meanwhile, the page cannot tell which.
    return `You can no longer read ${room}: you were removed from it while you were away.`;
  }
  const by = removal.byUserId === null ? "" : ` by ${nameOf(removal.byUserId)}`;
  return removal.reason === "banned"
    ? `You were banned from ${room}${by} ${describeUntil(removal.until, now)}.`
    : `You were removed from ${room}${by}.`;
}

/** Whether a removal is a ban still in force. */
export function banInForce(removal: RoomRemoval | undefined, now: Date): boolean {
  return removal?.reason === "banned" && (removal.until === null || Date.parse(removal.until) > now.getTime());
}

/**
 * What a refused join (`forbidden`) of `room` means: a ban the page saw says who and until when; else a room the
 * directory lists as open or public refuses only the banned; a private one, anyone not invited. `listed` is the
 * directory's kind of the room, or null when it does not list it.
 */
export function refusedJoinNotice(room: string, ban: RoomRemoval | undefined, listed: RoomKind | null, nameOf: (userId: string) => string, now: Date): string {
  if (ban !== undefined && banInForce(ban, now)) {
    const by = ban.byUserId === null ? "" : ` by ${nameOf(ban.byUserId)}`;
    return `You are banned from #${room}${by} ${describeUntil(ban.until, now)}.`;
  }
  if (listed === "open" || listed === "public") {
    return `You are banned from #${room}.`;
  }
  return `#${room} is a private room: only its members may join. Ask its owner for an invitation.`;
}

/** The muted user's notice above the composer; null when not muted (any more). */
export function mutedNotice(room: string, mutedUntil: string | null, now: Date): string | null {
  if (mutedUntil === null || Date.parse(mutedUntil) <= now.getTime()) {
    return null;
  }
  return `You are muted in #${room} ${describeUntil(mutedUntil, now)}: you can read, not post.`;
}

/** The rooms of the visit as saved for the next one, and the one open. */
export interface SavedRoomList {
  rooms: string[];
  active: string | null;
}

/**
 * The saved list without a room the user was removed from, so that neither a reconnect nor a reload joins it
 * again; the open room moves to the first one left.
 */
export function withoutRoom(saved: SavedRoomList, room: string): SavedRoomList {
  const rooms = saved.rooms.filter((r) => r !== room);
  const active = saved.active === room || (saved.active !== null && !rooms.includes(saved.active)) ? rooms[0] ?? null : saved.active;
  return { rooms, active };
}
