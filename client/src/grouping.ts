// How a line of the timeline begins, decided from the line before it alone: whether a day separator goes
// above it and whether it continues its author's group (no name/time header). Being a pure function of the
// two neighbours, the view can decide again for any line whose neighbour changed (older lines inserted above
// on scroll-back, lines merged in by id on catch-up) and get the same page as a fresh render.

/** What the decision needs of a line. */
export interface Stamp {
  authorId: string;
  /** ISO-8601. */
  sentAt: string;
}

export interface LineStart {
  /** The first line of a local day (or of the list): a day separator goes above it. */
  dayStart: boolean;
  /** Same author as the line before, on the same day, within `groupWindowMs`: its header is not repeated. */
  continued: boolean;
}

/** Consecutive messages of one author at most this far apart share one header. */
export const groupWindowMs = 5 * 60 * 1000;

export function lineStart(previous: Stamp | null, line: Stamp): LineStart {
  if (previous === null || localDay(previous.sentAt) !== localDay(line.sentAt)) {
    return { dayStart: true, continued: false };
  }
  const apart = Date.parse(line.sentAt) - Date.parse(previous.sentAt);
  return { dayStart: false, continued: previous.authorId === line.authorId && apart >= 0 && apart <= groupWindowMs };
}

/** The local calendar day of an instant, as a key that compares equal within one day ("2026-12-1"). */
export function localDay(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** A day separator's text in the user's locale: "Today", "Yesterday", else the date (with the year if not this one's). */
export function dayLabel(iso: string, now = new Date(), locale?: string): string {
  const date = new Date(iso);
  const daysAgo = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (daysAgo === 0 || daysAgo === 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-daysAgo, "day");
    return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
  }
  return new Intl.DateTimeFormat(locale, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  }).format(date);
}

/** Local midnight; rounding the difference of two absorbs a daylight-saving hour. */
function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}
