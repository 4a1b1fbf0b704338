import type { RoomRemoval } from "./contract";
import { describeUntil } from "./durations";

/** What the user is told when a room lets them go (RemovedFromRoom). */
export function removalNotice(removal: RoomRemoval, nameOf: (userId: string) => string, now: Date): string {
  const room = `#${removal.room}`;
  if (removal.reason === "left") {
    return `You left ${room}.`;
  }
  const by = removal.byUserId === null ? "" : ` by ${nameOf(removal.byUserId)}`;
  const ban = removal.reason === "banned" ? ` (banned ${describeUntil(removal.until, now)})` : "";
  return `You were removed from ${room}${by}${ban}.`;
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
