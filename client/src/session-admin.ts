import { HubMethods, type MyRoom, type RoomBan, type RoomInfo, type RoomSummary } from "./contract";
import type { ChatConnection } from "./connection";

/** (v2) The room methods that answer nothing: moderation, invitations, roles, leaving for good. */
export type RoomCommand = (typeof HubMethods)[
  "inviteToRoom" | "setRole" | "kickFromRoom" | "banFromRoom" | "unbanFromRoom" | "muteInRoom" | "unmuteInRoom" | "leaveRoomForGood"];

/**
 * The session's room administration: the user's room list, the directory, creating and describing rooms, and the
 * moderation commands. Their effects on joined rooms come back as events (RoomUpdated, RemovedFromRoom, UserLeft).
 */
export class RoomAdministration {
  constructor(private readonly connection: ChatConnection) {}

  /** (v3) The user's rooms as the server keeps them (GetMyRooms), most recently active first. */
  myRooms(): Promise<MyRoom[]> {
    return this.connection.call<MyRoom[]>(HubMethods.getMyRooms);
  }

  /** (v3) The room's bans in force (GetBans): owners, moderators and admins only. */
  bans(room: string): Promise<RoomBan[]> {
    return this.connection.call<RoomBan[]>(HubMethods.getBans, room);
  }

  /** The directory (ListRooms), most recently active first. */
  listRooms(query: string | null, limit: number): Promise<RoomSummary[]> {
    return this.connection.call<RoomSummary[]>(HubMethods.listRooms, query, limit);
  }

  /** CreateRoom; does not join. */
  createRoom(room: string, visibility: "public" | "private", topic: string | null): Promise<RoomInfo> {
    return this.connection.call<RoomInfo>(HubMethods.createRoom, room, visibility, topic);
  }

  /** UpdateRoom; RoomUpdated follows on every connection joined to the room. */
  updateRoom(room: string, topic: string | null): Promise<RoomInfo> {
    return this.connection.call<RoomInfo>(HubMethods.updateRoom, room, topic);
  }

  roomInfo(room: string): Promise<RoomInfo> {
    return this.connection.call<RoomInfo>(HubMethods.getRoomInfo, room);
  }

  /** A moderation or membership method on a room. */
  command(method: RoomCommand, room: string, ...args: unknown[]): Promise<void> {
    return this.connection.invoke(method, room, ...args);
  }
}
