// (v3) What the page says about attachments: sizes, refusals, and where an image's thumbnail fits. Pure, so that
// the wording and the arithmetic are tested on their own (test/attachments.test.ts).

import type { Attachment } from "./contract";

/** The contract's `Attachments:MaxBytes` default: a bigger file is refused before it is sent (the server would too). */
export const MaxAttachmentBytes = 25 * 1024 * 1024;
/** The contract's `Attachments:MaxPerMessage` default. */
export const MaxAttachmentsPerMessage = 10;
/** Thumbnails are at most this size on their longer side (the server's are at most 320 px). */
export const ThumbnailMaxPx = 320;

const units = ["KB", "MB", "GB"];

/** "512 B", "1.5 KB", "12 MB": one decimal below 10 of a unit, none above. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    return `${Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0))} B`;
  }
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${units[unit]}`;
}

/** Why an upload failed, from the HTTP status and the problem's `code` (either may be missing). */
export function uploadErrorMessage(status: number, code: string | null): string {
  if (code === "attachment_too_large" || status === 413) {
    return "too large (max 25 MB)";
  }
  if (code === "invalid_attachment" || status === 415) {
    return "not allowed";
  }
  if (code === "rate_limited" || status === 429) {
    return "too many uploads, wait";
  }
  if (status === 401) {
    return "your sign-in is no longer valid";
  }
  if (code === "forbidden" || code === "muted" || status === 403) {
    return "you may not post here";
  }
  if (status === 0) {
    return "the connection failed";
  }
  return `failed (${code ?? `HTTP ${status}`})`;
}

/** What a line says in a notification or to a screen reader: its text, or its files when it has no text. */
export function lineSummary(text: string, attachments: readonly Attachment[] | null | undefined): string {
  if (text.trim() !== "" || !attachments?.length) {
    return text;
  }
  return attachments.length === 1 ? `📎 ${attachments[0]!.name}` : `📎 ${attachments.length} files`;
}

/** Whether the page shows it as an image: the server found an image in its bytes and made a thumbnail. */
export function isImage(attachment: Attachment): boolean {
  return attachment.thumbnailUrl !== null && (attachment.width ?? 0) > 0 && (attachment.height ?? 0) > 0;
}

/** The thumbnail's box, from the image's own size, so that the line is laid out before the image arrives. */
export function thumbnailBox(width: number, height: number, max = ThumbnailMaxPx): { width: number; height: number } {
  const scale = Math.min(1, max / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The server's url as a path of this page's own origin, or null when it names another origin: the bearer token is
 * only ever sent to the server that issued the url.
 */
export function ownUrl(url: string, origin: string): string | null {
  try {
    const parsed = new URL(url, origin);
    return parsed.origin === origin ? parsed.pathname + parsed.search : null;
  } catch {
    return null;
  }
}
