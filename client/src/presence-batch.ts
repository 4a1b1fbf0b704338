import type { PresenceBatch, PresenceEvent } from "./contract";

/**
 * (v3) The hub URL's query for batched presence: a room's joins and leaves arrive as one PresenceChanged at most every
 * 200 ms instead of a UserJoined or UserLeft each (docs/protocol.md, "Batched presence").
 */
export const batchedPresenceQuery = "?presence=batched";

/**
 * A batch as the single events a member list applies, leaves first. A batch names each user once, in their state at the
 * end of its window, so the order within it says nothing; leaves first keeps a list shown in between from growing.
 */
export function presenceChanges(batch: PresenceBatch): [PresenceEvent, boolean][] {
  const event = (m: { userId: string; userName: string }): PresenceEvent => ({ room: batch.room, userId: m.userId, userName: m.userName, at: batch.at });
  return [...batch.left.map((m): [PresenceEvent, boolean] => [event(m), false]), ...batch.joined.map((m): [PresenceEvent, boolean] => [event(m), true])];
}
