// The contract's typing rules: a client resends Typing(true) about every 3 s while its user types; others
// show the indicator until Typing(false), a message from that user, or 6 s without a fresh Typing(true).

export const TypingResendMs = 3000;
export const TypingExpiryMs = 6000;
/** After this long without a keystroke the user has stopped typing: say so, rather than wait for the expiry. */
export const TypingIdleMs = 4000;

interface Typist {
  userName: string;
  timer: ReturnType<typeof setTimeout>;
}

/** Who is typing in each room, as others report it. `onChange(room)` fires whenever a room's typists change. */
export class TypingIndicators {
  private readonly rooms = new Map<string, Map<string, Typist>>();

  constructor(private readonly onChange: (room: string) => void) {}

  /** A `UserTyping` event. */
  update(room: string, userId: string, userName: string, isTyping: boolean): void {
    if (isTyping) {
      const typists = this.rooms.get(room) ?? new Map<string, Typist>();
      this.rooms.set(room, typists);
      const existing = typists.get(userId);
      if (existing) {
        clearTimeout(existing.timer);
      }
      typists.set(userId, { userName, timer: setTimeout(() => this.clear(room, userId), TypingExpiryMs) });
      if (!existing || existing.userName !== userName) {
        this.onChange(room);
      }
    } else {
      this.clear(room, userId);
    }
  }

  /** A message from the user, or the user left: no longer typing. */
  clear(room: string, userId: string): void {
    const typists = this.rooms.get(room);
    const typist = typists?.get(userId);
    if (!typists || !typist) {
      return;
    }
    clearTimeout(typist.timer);
    typists.delete(userId);
    if (typists.size === 0) {
      this.rooms.delete(room);
    }
    this.onChange(room);
  }

  /** Forgets a room (left it, or the connection was lost). */
  clearRoom(room: string): void {
    const typists = this.rooms.get(room);
    if (!typists) {
      return;
    }
    for (const typist of typists.values()) {
      clearTimeout(typist.timer);
    }
    this.rooms.delete(room);
    this.onChange(room);
  }

  names(room: string): string[] {
    return [...(this.rooms.get(room)?.values() ?? [])].map((t) => t.userName);
  }
}

/** "alice is typing…", "alice and bob are typing…", "alice, bob and carol are typing…", "Several people are typing…". */
export function describeTypists(names: readonly string[]): string {
  switch (names.length) {
    case 0:
      return "";
    case 1:
      return `${names[0]} is typing…`;
    case 2:
      return `${names[0]} and ${names[1]} are typing…`;
    case 3:
      return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
    default:
      return "Several people are typing…";
  }
}

/**
 * This user's own typing in one room at a time. `send(room, isTyping)` invokes the hub's Typing; its failures
 * are the caller's to swallow (typing is best effort, and it counts against the rate limit).
 */
export class TypingNotifier {
  private room: string | null = null;
  private lastSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (room: string, isTyping: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The composer's text changed in `room`. */
  input(room: string, text: string): void {
    if (this.room !== null && this.room !== room) {
      this.stop();
    }
    if (text.trim() === "") {
      this.stop();
      return;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), TypingIdleMs);
    if (this.room === null || this.now() - this.lastSentAt >= TypingResendMs) {
      this.room = room;
      this.lastSentAt = this.now();
      this.send(room, true);
    }
  }

  /** The message was sent: the others clear the indicator on the message itself, so nothing is sent. */
  sent(): void {
    this.reset();
  }

  /** Stopped typing (cleared the text, went idle, switched rooms): tells the others if they were told otherwise. */
  stop(): void {
    const room = this.room;
    this.reset();
    if (room !== null) {
      this.send(room, false);
    }
  }

  /** Forgets the state without telling anyone (the connection is gone, so are the others' indicators of us). */
  reset(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.room = null;
    this.lastSentAt = 0;
  }
}
