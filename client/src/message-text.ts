// A message's text as the pieces the page shows: plain text, http(s) links and mentions of the signed-in user.
// Pure and DOM-free; message-view.ts turns the pieces into nodes with textContent, never HTML parsing.

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "mention"; text: string };

/** A scheme of http or https and then anything up to white space or a character that never ends a URL. */
const linkCandidate = /https?:\/\/[^\s<>"]+/giu;
/** Characters that end a sentence more often than a URL: not part of the link when last. */
const trailingPunctuation = /[.,:;!?'*]$/u;
const closers: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** The text split into text and link pieces, in order; only http:// and https:// URLs become links. */
export function linkSegments(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(linkCandidate)) {
    const candidate = trimTrailing(match[0]);
    const href = safeHref(candidate);
    if (href === null) {
      continue;
    }
    pushText(segments, text.slice(last, match.index));
    segments.push({ kind: "link", text: candidate, href });
    last = match.index + candidate.length;
  }
  pushText(segments, text.slice(last));
  return segments;
}

/**
 * Whether the text mentions `name` as `@name`: case-insensitive, and word-bounded on both sides, so that
 * "bob@alice.org", "@alice.smith" and "@alicexyz" do not mention alice while "@Alice," and "(@alice)" do.
 */
export function mentions(text: string, name: string | readonly string[]): boolean {
  const pattern = mentionPattern(name);
  return pattern !== null && pattern.test(text);
}

/** Who the signed-in user is answered to as: `@userId` (what the server finds) or `@userName`. */
export interface Me {
  userId: string;
  userName: string;
}

/**
 * Whether a message mentions the user: the server's `mentions` (lowercased user ids, v3) when it sent them,
 * else the text, as a v2 server leaves them out. The one test of "mentions me" for highlight, badge and notification.
 */
export function mentionsMe(message: { text: string; mentions?: readonly string[] | null | undefined }, me: Me): boolean {
  if (message.mentions != null) {
    return message.mentions.includes(me.userId.toLowerCase());
  }
  return mentions(message.text, [me.userId, me.userName]);
}

/** The link pieces, with each `@name` (any of `myNames`) in the text pieces as a mention piece of its own. */
export function messageSegments(text: string, myNames: string | readonly string[] | null): Segment[] {
  const pattern = myNames ? mentionPattern(myNames, "g") : null;
  if (pattern === null) {
    return linkSegments(text);
  }
  return linkSegments(text).flatMap((segment) => (segment.kind === "text" ? splitMentions(segment.text, pattern) : [segment]));
}

function splitMentions(text: string, pattern: RegExp): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    pushText(segments, text.slice(last, match.index));
    segments.push({ kind: "mention", text: match[0] });
    last = match.index + match[0].length;
  }
  pushText(segments, text.slice(last));
  return segments;
}

// A name character is what user names are made of (letters, digits, "_", "-", "."); a "." only ends the
// mention when no name character follows it ("@alice." ends a sentence, "@alice.smith" is someone else).
const nameChar = String.raw`[\p{L}\p{N}_\-]`;

function mentionPattern(names: string | readonly string[], flags = ""): RegExp | null {
  const escaped = [...new Set((typeof names === "string" ? [names] : names).map((n) => n.trim()).filter((n) => n !== ""))]
    .sort((a, b) => b.length - a.length) // The longest first: "@alice.b" is not "@alice" followed by ".b".
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (escaped.length === 0) {
    return null;
  }
  return new RegExp(String.raw`(?<![\p{L}\p{N}_])@(?:${escaped.join("|")})(?!${nameChar}|\.${nameChar})`, `iu${flags}`);
}

/** Drops sentence punctuation from the end, and a closing bracket that has no opening one in the URL. */
function trimTrailing(candidate: string): string {
  let url = candidate;
  for (;;) {
    const lastChar = url.slice(-1);
    const opener = closers[lastChar];
    if (trailingPunctuation.test(url)) {
      url = url.slice(0, -1);
    } else if (opener !== undefined && count(url, opener) < count(url, lastChar)) {
      url = url.slice(0, -1);
    } else {
      return url;
    }
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** The URL as an href when it parses as http(s) with a host; null otherwise ("http://" alone, "https://:80"). */
function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? url.href : null;
  } catch {
    return null;
  }
}

function pushText(segments: Segment[], text: string): void {
  if (text !== "") {
    segments.push({ kind: "text", text });
  }
}
