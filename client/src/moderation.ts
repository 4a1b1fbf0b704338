import { HubMethods, type RoomKind } from "./contract";
import { describeUntil } from "./durations";
import type { MemberAction } from "./room-roles";
import type { RoomCommand } from "./session-admin";

/** A room panel action as the hub method and its arguments after the room name. */
export interface Command {
  method: RoomCommand;
  args: unknown[];
}

/** `until` (see durations.ts) applies to ban and mute; handing over is SetRole owner (the caller becomes moderator). */
export function memberCommand(action: MemberAction, userId: string, until: string | null): Command {
  switch (action) {
    case "mute":
      return { method: HubMethods.muteInRoom, args: [userId, until] };
    case "unmute":
      return { method: HubMethods.unmuteInRoom, args: [userId] };
    case "kick":
      return { method: HubMethods.kickFromRoom, args: [userId] };
    case "ban":
      return { method: HubMethods.banFromRoom, args: [userId, until] };
    case "makeModerator":
      return { method: HubMethods.setRole, args: [userId, "moderator"] };
    case "makeMember":
      return { method: HubMethods.setRole, args: [userId, "member"] };
    case "handOver":
      return { method: HubMethods.setRole, args: [userId, "owner"] };
  }
}

/** The button text of each action; its accessible name adds whom it acts on. */
export const ActionLabels: Record<MemberAction, string> = {
  mute: "Mute",
  unmute: "Unmute",
  kick: "Kick",
  ban: "Ban",
  makeModerator: "Make moderator",
  makeMember: "Make member",
  handOver: "Hand over",
};

/**
 * The question a kick or a ban asks first (null: the action asks nothing). A ban says how long, and "forever" in
 * so many words; a kick says whether the user can come back.
 */
export function sanctionQuestion(action: MemberAction, userName: string, room: string, kind: RoomKind, until: string | null, now: Date): string | null {
  switch (action) {
    case "kick":
      return kind === "private"
        ? `Kick ${userName} out of #${room}? Their membership ends: they need a new invitation to come back.`
        : `Kick ${userName} out of #${room}? They can join again.`;
    case "ban":
      return until === null
        ? `Ban ${userName} from #${room} forever? They cannot come back until someone unbans them.`
        : `Ban ${userName} from #${room} ${describeUntil(until, now)}? They cannot come back before then.`;
    default:
      return null;
  }
}
