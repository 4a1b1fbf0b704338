// The wire shapes of docs/protocol.md, as the session hands them on: camelCase, timestamps as ISO-8601 UTC
// strings whichever hub protocol carried them (see fromWire).

export interface ChatMessage {
  id: number;
  room: string;
  userId: string;
  userName: string;
  text: string;
  sentAt: string;
  /** (v2) Optional here, as a v1 server leaves it out: read a missing kind as "message". */
  kind?: MessageKind;
  /** (v2) The message an edit or delete applies to. */
  targetId?: number | null;
  /** (v2) The sender's idempotency key, when it gave one. */
  clientMessageId?: string | null;
  /** (v2) Set on a stored target that was edited or deleted. */
  editedAt?: string | null;
  deletedAt?: string | null;
  /** (v3) The message of the room this one answers; no copy of its text. */
  replyToId?: number | null;
  /** (v3) The root of the thread this message belongs to. */
  threadId?: number | null;
  /** (v3) On a thread's root: its replies now. */
  thread?: ThreadSummary | null;
  /** (v3) On a message: its reactions now. */
  reactions?: Reaction[] | null;
  /** (v3) The user ids the text names as `@userId`, lowercased. */
  mentions?: string[] | null;
  /** (v3) The files the message carries. */
  attachments?: Attachment[] | null;
}

export type MessageKind = "message" | "edit" | "delete" | "react" | "unreact";

export interface DirectMessage {
  id: number;
  fromUserId: string;
  fromUserName: string;
  toUserId: string;
  text: string;
  sentAt: string;
  /** (v2) The sender's idempotency key, when it gave one. */
  clientMessageId?: string | null;
  /** (v3) A conversation is a log like a room's; a v2 server leaves it out: read a missing kind as "message". */
  kind?: MessageKind;
  targetId?: number | null;
  editedAt?: string | null;
  deletedAt?: string | null;
  replyToId?: number | null;
  reactions?: Reaction[] | null;
  attachments?: Attachment[] | null;
}

/** (v3) The argument of `Post` and `PostDirect`. */
export interface Draft {
  text: string;
  clientMessageId: string | null;
  replyToId: number | null;
  threadId: number | null;
  attachmentIds: string[] | null;
}

/** (v3) A thread root's replies now. */
export interface ThreadSummary {
  replyCount: number;
  lastReplyAt: string | null;
  participantIds: string[];
}

/** (v3) One emoji on a message; `userIds` lists at most 50. */
export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

/** (v3) A file a message carries. */
export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
  thumbnailUrl: string | null;
}

export interface Member {
  userId: string;
  userName: string;
}

export interface RoomSnapshot {
  room: string;
  members: Member[];
  messages: ChatMessage[];
  complete: boolean;
  /** (v2) The caller's read marker in the room (0 = none); optional here, as a v1 server leaves it out. */
  lastReadId?: number;
  /** (v2) Message entries by others after the marker, at most 1000. */
  unreadCount?: number;
  /** (v3) Those of them that mention the caller (`@userId`), at most 1000; optional here, as a v2 server leaves it out. */
  mentionCount?: number;
}

export interface PresenceEvent {
  room: string;
  userId: string;
  userName: string;
  at: string;
}

/** (v3) The argument of PresenceChanged, to connections that asked for batched presence (`?presence=batched`). */
export interface PresenceBatch {
  room: string;
  joined: Member[];
  left: Member[];
  at: string;
}

export interface TypingEvent {
  room: string;
  userId: string;
  userName: string;
  isTyping: boolean;
}

/** (v2) The answer to SyncDirectMessages. */
export interface DirectSync {
  messages: DirectMessage[];
  complete: boolean;
}

/** (v2) One of the caller's direct conversations. */
export interface Conversation {
  userId: string;
  userName: string;
  lastMessage: DirectMessage;
  lastReadId: number;
  unreadCount: number;
}

/** (v2) The argument of ReadMarkerMoved: room for a room, userId (the other user) for a conversation. */
export interface ReadMarker {
  room: string | null;
  userId: string | null;
  lastReadId: number;
}

export interface TokenResponse {
  accessToken: string;
  expiresAt: string;
  userId: string;
  userName: string;
}

export type RoomKind = "open" | "public" | "private";
export type RoomRole = "owner" | "moderator" | "member";

/** (v2) A room as the directory lists it (`ListRooms`, `GET /api/rooms`). */
export interface RoomSummary {
  room: string;
  kind: RoomKind;
  topic: string | null;
  present: number;
  latestId: number;
  lastActivityAt: string | null;
}

/** (v2) A room's kind, owner, topic and (created rooms) members with their roles. */
export interface RoomInfo {
  room: string;
  kind: RoomKind;
  topic: string | null;
  ownerId: string | null;
  members: RoomMember[];
  createdAt: string | null;
}

/** (v2) A muted-forever member has a far-future `mutedUntil`. */
export interface RoomMember {
  userId: string;
  userName: string;
  role: RoomRole;
  mutedUntil: string | null;
}

/** (v2) The argument of `RemovedFromRoom`. */
export interface RoomRemoval {
  room: string;
  reason: "kicked" | "banned" | "left";
  byUserId: string | null;
  until: string | null;
}

/** (v3) One of the caller's rooms (`GetMyRooms`, `RoomAdded`). */
export interface MyRoom {
  room: string;
  kind: RoomKind;
  topic: string | null;
  latestId: number;
  lastActivityAt: string | null;
  lastReadId: number;
  unreadCount: number;
  mentionCount: number;
}

/** (v3) A ban in force (`GetBans`); `byUserId` null when not known (a ban older than the field). */
export interface RoomBan {
  userId: string;
  until: string | null;
  byUserId: string | null;
  at: string;
}

export const HubPath = "/hubs/chat";

export const HubMethods = {
  joinRoom: "JoinRoom",
  leaveRoom: "LeaveRoom",
  sendMessage: "SendMessage",
  postMessage: "PostMessage",
  post: "Post",
  typing: "Typing",
  sendDirectMessage: "SendDirectMessage",
  postDirectMessage: "PostDirectMessage",
  getHistory: "GetHistory",
  getThread: "GetThread",
  getMessages: "GetMessages",
  getDirectHistory: "GetDirectHistory",
  syncDirectMessages: "SyncDirectMessages",
  getConversations: "GetConversations",
  markRead: "MarkRead",
  markDirectRead: "MarkDirectRead",
  editMessage: "EditMessage",
  deleteMessage: "DeleteMessage",
  listRooms: "ListRooms",
  createRoom: "CreateRoom",
  getRoomInfo: "GetRoomInfo",
  updateRoom: "UpdateRoom",
  inviteToRoom: "InviteToRoom",
  setRole: "SetRole",
  kickFromRoom: "KickFromRoom",
  banFromRoom: "BanFromRoom",
  unbanFromRoom: "UnbanFromRoom",
  muteInRoom: "MuteInRoom",
  unmuteInRoom: "UnmuteInRoom",
  leaveRoomForGood: "LeaveRoomForGood",
  getMyRooms: "GetMyRooms",
  getBans: "GetBans",
  postDirect: "PostDirect",
  react: "React",
  reactDirect: "ReactDirect",
  editDirectMessage: "EditDirectMessage",
  deleteDirectMessage: "DeleteDirectMessage",
  searchMessages: "SearchMessages",
  searchDirectMessages: "SearchDirectMessages",
  ping: "Ping",
} as const;

export const ClientEvents = {
  messageReceived: "MessageReceived",
  userJoined: "UserJoined",
  userLeft: "UserLeft",
  presenceChanged: "PresenceChanged",
  userTyping: "UserTyping",
  directMessageReceived: "DirectMessageReceived",
  readMarkerMoved: "ReadMarkerMoved",
  addedToRoom: "AddedToRoom",
  removedFromRoom: "RemovedFromRoom",
  roomUpdated: "RoomUpdated",
  roomAdded: "RoomAdded",
  roomRemoved: "RoomRemoved",
  mentioned: "Mentioned",
} as const;

/** Room names: a letter or digit, then letters, digits, `_`, `-` or `.`; 1–64 characters, case-insensitive. */
export const RoomNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Dev-token user names: 1–32 letters, digits, `_`, `-` or `.`. */
export const UserNamePattern = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * A hub result or event argument as the rest of the page expects it. The JSON protocol delivers timestamps as
 * ISO-8601 strings, the MessagePack protocol as its timestamp extension, which the decoder makes a `Date`: every
 * `Date`, at any depth, becomes its ISO-8601 UTC string (to the millisecond, as the host stores messages).
 * Everything else is returned as it came.
 */
export function fromWire<T>(value: unknown): T {
  return normalise(value) as T;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map(normalise);
  }
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = normalise(item);
    }
    return result;
  }
  return value;
}
