// Ban and mute durations: what the room panel offers, and the `until` the hub methods take (null: forever).

export interface Duration {
  label: string;
  /** Null: until lifted. */
  ms: number | null;
}

const minute = 60_000;

export const Durations: readonly Duration[] = [
  { label: "10 minutes", ms: 10 * minute },
  { label: "1 hour", ms: 60 * minute },
  { label: "1 day", ms: 24 * 60 * minute },
  { label: "Forever", ms: null },
];

/** The `until` argument of BanFromRoom / MuteInRoom: an ISO-8601 UTC time, or null for forever. */
export function untilFor(duration: Duration, now: Date): string | null {
  return duration.ms === null ? null : new Date(now.getTime() + duration.ms).toISOString();
}

/**
 * The server keeps "forever" as a far-future time (contract: a muted-forever member); anything further ahead
 * than this reads as forever.
 */
const foreverAfterMs = 100 * 365 * 24 * 60 * minute;

const stamp = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "until 1 Dec 2026, 18:10", or "for good" when null or far ahead. */
export function describeUntil(until: string | null, now: Date): string {
  if (until === null || Date.parse(until) - now.getTime() > foreverAfterMs) {
    return "for good";
  }
  return `until ${stamp.format(new Date(until))}`;
}
