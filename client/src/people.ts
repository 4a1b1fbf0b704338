/**
 * The users the page knows by name: present in a room, the author of a message it holds, or named by the
 * conversation list. Only the first two count as seen here ("Write to" says when someone never was).
 */
export class People {
  private readonly names = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(private readonly me: string, myName: string) {
    this.names.set(me, myName);
  }

  /** The display name of a user id seen in a room or a direct message (else the id itself). */
  nameOf(userId: string): string {
    return this.names.get(userId) ?? userId;
  }

  /** Whether the user was seen here; a conversation with only the user's own messages does not count. */
  hasSeen(userId: string): boolean {
    return userId === this.me || this.seen.has(userId);
  }

  /** The user ids and names the page has seen (presence, messages, conversations), for "Write to". */
  known(): ReadonlyMap<string, string> {
    return this.names;
  }

  /** Names for display; `seen`: the user was here (present in a room, or wrote something the page holds). */
  remember(pairs: Iterable<[string, string]>, seen = true): void {
    for (const [id, name] of pairs) {
      this.names.set(id, name);
      if (seen) {
        this.seen.add(id);
      }
    }
  }
}
