import { RoomNamePattern, type MyRoom, type RoomInfo, type RoomRemoval } from "./contract";
import type { Notice } from "./conversation-notice";
import { CreateRoomDialog } from "./create-room";
import { DirectoryDialog, DirectoryLimit } from "./directory-view";
import { describeError } from "./errors";
import type { Notices } from "./notices";
import { removalNotice, withoutRoom } from "./removal";
import { RoomStanding } from "./room-standing";
import type { Channel } from "./rooms";
import type { ChatSession } from "./session";

/**
 * What this browser keeps of the user's last visit: that there was one (a first visit of a user without rooms joins
 * #general), and which room was open. The rooms themselves are the server's (GetMyRooms).
 */
export interface SavedRooms {
  visited(): boolean;
  active(): string | null;
  save(active: string | null): void;
}

/** What the user's room list asks of the page. */
export interface MembershipHost {
  /** The open room's name; null when none is open (or a direct conversation is). */
  openRoom(): string | null;
  /** Whether anything is open. */
  anyOpen(): boolean;
  activate(channel: Channel | null): void;
  /** The sidebar's lists changed. */
  channelsChanged(): void;
  /** The open room's state changed around its lines (removed from it: its notice replaces the composer). */
  chromeChanged(): void;
  /** A room the session no longer holds: what the page kept of it (counts, info) goes. */
  forgetRoom(room: string): void;
  /** The user's role and mutes in a room, as the page knows them. */
  info(room: string): RoomInfo | undefined;
}

/**
 * The user's rooms as the page lists them: joined (the session's), invited to (AddedToRoom, not joined yet) and
 * removed from (kicked or banned: listed with a lasting notice until closed); joining by name, from the
 * directory or after creating one; and which room opens when one goes.
 */
export class RoomMembership {
  /** (v2) Private rooms the user was added to and has not joined (AddedToRoom), listed to join. */
  private readonly invited = new Set<string>();
  /** Rooms the user was kicked or banned from (listed, with a lasting notice, until closed), and mutes. */
  private readonly standing: RoomStanding;
  private readonly createRoom: CreateRoomDialog;
  private readonly directory: DirectoryDialog;

  constructor(private readonly session: ChatSession, private readonly notices: Notices, private readonly host: MembershipHost, signal: AbortSignal) {
    this.standing = new RoomStanding(session.identity.userId, {
      nameOf: (userId) => session.people.nameOf(userId),
      listRooms: (query) => session.admin.listRooms(query, DirectoryLimit),
      join: (room) => void this.join(room),
      close: (room) => this.gone(room),
    });
    this.createRoom = new CreateRoomDialog({
      create: async (room, visibility, topic) => {
        const info = await session.admin.createRoom(room, visibility, topic);
        await this.join(info.room);
      },
    }, signal);
    this.directory = new DirectoryDialog({
      list: (query) => session.admin.listRooms(query, DirectoryLimit),
      join: (room) => void this.join(room),
      joined: () => new Set(session.rooms.joined.keys()),
    }, signal);
  }

  /** Rooms listed besides the joined ones. */
  get invitedRooms(): string[] {
    return [...this.invited];
  }

  get removedRooms(): string[] {
    return this.standing.rooms().filter((room) => !this.session.rooms.joined.has(room));
  }

  /** The lasting notice for a room: removed from it, or muted in it. */
  notice(room: string): Notice | null {
    return this.standing.notice(room, this.host.info(room));
  }

  /**
   * After the first connect: the user's rooms as the server lists them (GetMyRooms), or #general for a first visit
   * of a user without any. Returns false when they could not be read.
   */
  async joinMine(saved: SavedRooms): Promise<boolean> {
    let rooms: string[];
    try {
      rooms = (await this.session.admin.myRooms()).map((room) => room.room);
    } catch (error) {
      this.notices.toast(describeError(error).message);
      return false;
    }
    // Read first: joining saves as it goes. A user who left every room, #general included, stays without one.
    const active = saved.active();
    if (rooms.length === 0 && !saved.visited()) {
      rooms = ["general"];
    }
    // Only the room shown is opened: opening a room reads it, and the others keep their unread counts.
    const shown = active !== null && rooms.includes(active) ? active : rooms[0];
    for (const room of rooms) {
      await this.join(room, false, room === shown);
    }
    const first = [...this.session.rooms.joined.keys()][0];
    if (!this.host.anyOpen() && first !== undefined) {
      this.host.activate({ kind: "room", name: first });
    }
    return true;
  }

  async join(name: string, announce = true, open = true): Promise<void> {
    const trimmed = name.trim().replace(/^#/, "");
    if (!RoomNamePattern.test(trimmed)) {
      this.notices.toast(describeError(new Error("HubException: invalid_room: bad name")).message);
      return;
    }
    try {
      const room = await this.session.rooms.join(trimmed);
      if (this.invited.delete(room.name) || this.standing.forget(room.name)) {
        this.host.channelsChanged();
      }
      if (open) {
        this.host.activate(room.channel);
      }
      if (announce) {
        this.notices.announce(`Joined #${room.name}`);
      }
    } catch (error) {
      const described = describeError(error);
      this.notices.toast(described.code === "forbidden" ? await this.standing.refusedJoin(trimmed.toLowerCase()) : described.message);
    }
  }

  /** AddedToRoom: listed to join. */
  added(info: RoomInfo): void {
    if (!this.session.rooms.joined.has(info.room)) {
      this.invited.add(info.room);
      this.host.channelsChanged();
    }
    this.notices.toast(`You were added to #${info.room}.`);
  }

  /** RoomAdded: joined on another connection, so here too. */
  addedElsewhere(room: MyRoom): void {
    this.invited.delete(room.room);
    this.standing.forget(room.room);
    if (!this.session.rooms.joined.has(room.room)) {
      void this.join(room.room, false, false);
    }
  }

  removed(removal: RoomRemoval): void {
    const notice = removalNotice(removal, (userId) => this.session.people.nameOf(userId), new Date());
    this.notices.announce(notice);
    this.invited.delete(removal.room);
    if (removal.reason === "left") {
      this.notices.toast(notice);
      this.gone(removal.room);
      return;
    }
    // Kicked or banned: the room stays listed, its notice in it (a toast would be gone in seconds), until closed.
    this.standing.removed(removal);
    this.gone(removal.room, true);
  }

  close(): void {
    this.createRoom.close();
    this.directory.close();
  }

  /**
   * A room the session no longer holds (left, or removed): its state goes, and the first room left opens. With
   * `keepOpen` (kicked or banned) an open room stays open, its lines in view, its notice in place of the composer.
   */
  private gone(name: string, keepOpen = false): void {
    this.host.forgetRoom(name);
    const open = this.host.openRoom();
    if (keepOpen && open === name) {
      this.host.chromeChanged();
      this.host.channelsChanged();
      return;
    }
    const saved = withoutRoom({ rooms: [...this.session.rooms.joined.keys()], active: open }, name);
    if (open === name || !this.host.anyOpen()) {
      this.host.activate(saved.active !== null ? { kind: "room", name: saved.active } : null);
    } else {
      this.host.channelsChanged();
    }
  }
}
