import type { RoomInfo, RoomKind, RoomMember, RoomRole } from "./contract";

// What the page offers a user in a room, from the contract's "Roles": owners set roles; owners and moderators
// invite, kick, ban, unban, mute, unmute and delete anyone's message; moderators cannot act on the owner or on
// other moderators. The server decides (an admin, whom GetRoomInfo does not list, may do everything): these
// only choose which buttons to show, and a refusal still comes back as `forbidden`.

/** What a moderator or owner may do to another member of the room. */
export type MemberAction = "kick" | "ban" | "mute" | "unmute" | "makeModerator" | "makeMember" | "handOver";

/** The user's role in the room as GetRoomInfo or RoomUpdated listed it; null when not listed (or no info yet). */
export function roleOf(info: RoomInfo | undefined, userId: string): RoomRole | null {
  return info?.members.find((m) => m.userId === userId)?.role ?? null;
}

/** Owners and moderators moderate, and delete anyone's message (everyone may delete their own). */
export function moderates(role: RoomRole | null): boolean {
  return role === "owner" || role === "moderator";
}

/** A mute is in force until its end time (a muted-forever member has a far-future one). */
export function isMuted(member: RoomMember, now: Date): boolean {
  return member.mutedUntil !== null && Date.parse(member.mutedUntil) > now.getTime();
}

/** The actions `actorRole` may take on `target`, in the order the room panel shows them; none on oneself. */
export function memberActions(actorId: string, actorRole: RoomRole | null, target: RoomMember, now: Date): MemberAction[] {
  if (target.userId === actorId || !moderates(actorRole) || (actorRole === "moderator" && target.role !== "member")) {
    return [];
  }
  const actions: MemberAction[] = [isMuted(target, now) ? "unmute" : "mute", "kick", "ban"];
  if (actorRole === "owner") {
    actions.push(target.role === "member" ? "makeModerator" : "makeMember", "handOver");
  }
  return actions;
}

/** Invitations make members of private rooms only. */
export function mayInvite(kind: RoomKind, role: RoomRole | null): boolean {
  return kind === "private" && moderates(role);
}

/** Owners and moderators of a created room see its bans (GetBans) and lift them from that list. */
export function mayUnban(kind: RoomKind, role: RoomRole | null): boolean {
  return kind !== "open" && moderates(role);
}

/** A member of a private room may end the membership; the owner must hand the room over first. */
export function mayLeaveForGood(kind: RoomKind, role: RoomRole | null): boolean {
  return kind === "private" && (role === "member" || role === "moderator");
}

/**
 * Whether someone present is missing from the room's member list: joining a public room makes a member without
 * a RoomUpdated, so the page reads the info again to offer the actions on them. Open rooms list no one.
 */
export function listsLessThanPresent(info: RoomInfo | undefined, presentIds: Iterable<string>): boolean {
  if (info === undefined || info.kind === "open") {
    return false;
  }
  const listed = new Set(info.members.map((m) => m.userId));
  for (const userId of presentIds) {
    if (!listed.has(userId)) {
      return true;
    }
  }
  return false;
}
