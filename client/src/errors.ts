import { HttpError } from "@microsoft/signalr";

/** The contract's error codes, each as a short message for people. */
const messages: Record<string, string> = {
  invalid_room: "Room names are 1–64 letters, digits, “_”, “-” or “.”, starting with a letter or digit.",
  not_in_room: "You are not in that room any more. Join it again to carry on.",
  invalid_message: "Type a message first.",
  message_too_long: "That message is too long. Shorten it and send again.",
  too_many_rooms: "You have joined as many rooms as allowed. Leave one first.",
  invalid_user: "That user id is not valid.",
  rate_limited: "You are sending too fast. Wait a moment, then try again.",
  unavailable: "The server cannot store messages right now. Try again shortly.",
  forbidden: "You are not allowed to do that in this room.",
  muted: "You are muted in this room for now.",
  not_found: "That message or room does not exist (any more).",
  room_exists: "A room with that name exists already. Choose another name.",
};

export interface ChatError {
  /** A contract error code, or `network`, `unauthorized`, `busy`, `unknown`. */
  code: string;
  message: string;
}

// SignalR prefixes the server's HubException text: "An unexpected error occurred invoking 'X' on the server.
// HubException: <code>: <text>".
const hubExceptionPattern = /HubException:\s*([a-z_]+):\s*(.*)$/s;

/** Turns whatever an invocation, a start or a fetch threw into a code and a human message. */
export function describeError(error: unknown): ChatError {
  const text = error instanceof Error ? error.message : String(error);
  const match = hubExceptionPattern.exec(text);
  if (match) {
    const code = match[1]!;
    return { code, message: messages[code] ?? match[2]!.trim() };
  }
  if (error instanceof HttpError || /Status code '(\d+)'/.test(text)) {
    const status = error instanceof HttpError ? error.statusCode : Number(/Status code '(\d+)'/.exec(text)![1]);
    if (status === 401) {
      return { code: "unauthorized", message: "Your sign-in is no longer valid. Sign in again." };
    }
    if (status === 429) {
      return { code: "busy", message: "You have too many HubApp windows open. Close one and try again." };
    }
    if (status === 403) {
      return { code: "forbidden", message: "This page’s address is not allowed to connect to the server." };
    }
  }
  if (/connection (was stopped|is not in the 'Connected' State|being closed)|Failed to fetch|not connected|WebSocket/i.test(text)) {
    return { code: "network", message: "Not connected to the server. Wait for the connection to come back, then try again." };
  }
  return { code: "unknown", message: `Something went wrong: ${text}` };
}
