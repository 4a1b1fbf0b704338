import { BansView } from "./bans-view";
import { confirmAction } from "./confirm";
import { HubMethods, type RoomInfo, type RoomMember } from "./contract";
import { describeError } from "./errors";
import { ActionLabels, memberCommand, sanctionQuestion, type Command } from "./moderation";
import type { Notices } from "./notices";
import { RoomPanel } from "./room-panel";
import { listsLessThanPresent, mayUnban, moderates, roleOf, type MemberAction } from "./room-roles";
import type { ChatSession } from "./session";

/** What room administration asks of the page. */
export interface RoomAdminHost {
  /** The open room's name; null when none is open (or a direct conversation is). */
  openRoom(): string | null;
  /** The open room's info changed (a mute or unmute of the user): its notice is shown again. */
  noticeChanged(): void;
  /** What the user's role in the open room lets them do to others' messages. */
  setModerating(moderating: boolean): void;
}

/**
 * The rooms the user runs, as the page shows them: "About this room" (kind, owner, topic, members with their roles
 * and mutes), moderation, invitations, the bans, the topic and leaving. Keeps each joined room's info as
 * GetRoomInfo or RoomUpdated told it last.
 */
export class RoomAdmin {
  private readonly infos = new Map<string, RoomInfo>();
  private readonly panel: RoomPanel;
  private readonly bans: BansView;

  constructor(private readonly session: ChatSession, private readonly notices: Notices, private readonly host: RoomAdminHost, signal: AbortSignal) {
    const me = session.identity.userId;
    this.panel = new RoomPanel(me, {
      act: (action, member, until) => void this.moderate(action, member, until),
      invite: (userId) => void this.command({ method: HubMethods.inviteToRoom, args: [userId] }, `Invited ${userId}`),
      leaveForGood: () => void this.leaveForGood(),
      setTopic: (topic) => void this.setTopic(topic),
    }, signal);
    this.bans = new BansView({
      load: (room) => session.admin.bans(room),
      unban: (room, userId) => {
        if (host.openRoom() === room) {
          void this.command({ method: HubMethods.unbanFromRoom, args: [userId] }, `Unbanned ${session.people.nameOf(userId)}`);
        }
      },
      nameOf: (userId) => session.people.nameOf(userId),
    });
  }

  info(room: string): RoomInfo | undefined {
    return this.infos.get(room);
  }

  /** The panel for the open room, or none (null: a direct conversation is open). */
  show(room: string | null): void {
    if (room === null) {
      this.panel.clear();
      void this.bans.show(null);
      return;
    }
    const info = this.infos.get(room);
    this.panel.render(info ?? null);
    void this.bans.show(this.bansShown(info));
    this.host.setModerating(moderates(roleOf(info, this.session.identity.userId)));
  }

  /** RoomUpdated, or an answer that carries the room's info. */
  updated(info: RoomInfo): void {
    this.infos.set(info.room, info);
    if (this.host.openRoom() === info.room) {
      this.show(info.room);
      this.host.noticeChanged();
    }
  }

  /** Someone came or went: the info is read again when it lists fewer members than are present. */
  membersChanged(room: string): void {
    if (listsLessThanPresent(this.infos.get(room), this.session.rooms.joined.get(room)?.members.keys() ?? [])) {
      void this.load(room);
    }
  }

  /** GetRoomInfo for a joined room; a server without it (or a refusal) leaves the room as a v1 one. */
  async load(room: string): Promise<void> {
    try {
      const info = await this.session.admin.roomInfo(room);
      if (this.session.rooms.joined.has(room)) {
        this.updated(info);
        if (this.host.openRoom() === room) {
          void this.bans.show(this.bansShown(info), true); // Read again: this follows every ban and unban.
        }
      }
    } catch {
      // Without the info the page offers what anyone may do: edit and delete their own messages.
    }
  }

  /** A room the session no longer holds. */
  forget(room: string): void {
    this.infos.delete(room);
  }

  /**
   * Leave: for good (LeaveRoomForGood), so that neither a reload nor another device brings the room back; a private
   * room asks first, as coming back needs an invitation. RemovedFromRoom (reason left) takes it away.
   */
  async leaveOpenRoom(): Promise<void> {
    const name = this.host.openRoom();
    if (name === null) {
      return;
    }
    if (this.infos.get(name)?.kind === "private") {
      await this.leaveForGood();
      return;
    }
    try {
      await this.session.rooms.leaveForGood(name);
    } catch (error) {
      const described = describeError(error);
      this.notices.toast(described.code === "forbidden" ? `You own #${name}: hand it over to someone first (About this room), then leave.` : described.message);
    }
  }

  clear(): void {
    this.panel.clear();
    this.bans.clear();
  }

  /** The room whose bans the panel lists: the open one, to its owner and moderators; null for none. */
  private bansShown(info: RoomInfo | undefined): string | null {
    return info !== undefined && mayUnban(info.kind, roleOf(info, this.session.identity.userId)) ? info.room : null;
  }

  /** A member's action in the room panel; handing the room over is asked first, as it cannot be taken back. */
  private async moderate(action: MemberAction, member: RoomMember, until: string | null): Promise<void> {
    const name = this.host.openRoom();
    const room = name === null ? undefined : this.infos.get(name);
    const question = action === "handOver" ? `Hand the room over to ${member.userName}? You become a moderator.`
      : room === undefined ? null : sanctionQuestion(action, member.userName, room.room, room.kind, until, new Date());
    if (question !== null && !(await confirmAction(question, ActionLabels[action]))) {
      return;
    }
    await this.command(memberCommand(action, member.userId, until), `${ActionLabels[action]}: ${member.userName}, done`);
  }

  private async setTopic(topic: string | null): Promise<void> {
    const room = this.host.openRoom();
    if (room === null) {
      return;
    }
    try {
      this.updated(await this.session.admin.updateRoom(room, topic));
      this.notices.announce("Topic saved");
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }

  private async leaveForGood(): Promise<void> {
    const room = this.host.openRoom();
    if (room === null || !(await confirmAction(`Leave #${room} for good? You need a new invitation to come back.`, "Leave"))) {
      return;
    }
    try {
      await this.session.rooms.leaveForGood(room);
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }

  /**
   * A room method on the open room. Kicks, bans and invitations change the member list without a RoomUpdated,
   * so the room's info is read again after each.
   */
  private async command(command: Command, done: string | null): Promise<void> {
    const room = this.host.openRoom();
    if (room === null) {
      return;
    }
    try {
      await this.session.admin.command(command.method, room, ...command.args);
    } catch (error) {
      this.notices.toast(describeError(error).message);
      return;
    }
    if (done !== null) {
      this.notices.announce(done);
    }
    if (this.session.rooms.joined.has(room)) {
      void this.load(room);
    }
  }
}
