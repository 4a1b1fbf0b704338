// (v3) A message's files as its line shows them: images as thumbnails (a button that opens the viewer), other files
// as a card with name, size and Download. Names go in as text (dom.ts); the files come through `blob:` URLs.

import { formatSize, isImage, thumbnailBox } from "./attachment-format";
import type { AttachmentFiles } from "./attachment-files";
import type { Attachment } from "./contract";
import { el } from "./dom";

/** Reads a file into a `blob:` URL for as long as its list shows it; `failed` when it could not be read. */
export type BlobLoader = (url: string, apply: (blobUrl: string) => void, failed: () => void) => void;

/** The files of a stored message, in the order attached. */
export function attachmentsElement(attachments: readonly Attachment[], load: BlobLoader): HTMLDivElement {
  return el("div", { className: "attachments" }, ...attachments.map((a) => (isImage(a) ? imageElement(a, load) : cardElement(a))));
}

/** The thumbnail, laid out at its final size before it arrives (nothing below it jumps when it does). */
function imageElement(attachment: Attachment, load: BlobLoader): HTMLButtonElement {
  const box = thumbnailBox(attachment.width!, attachment.height!);
  const image = el("img", { attrs: { alt: attachment.name, width: String(box.width), height: String(box.height) } });
  const button = el("button", {
    className: "attachment-image",
    attrs: { type: "button", "data-url": attachment.url, "data-name": attachment.name, "aria-label": `Open image ${attachment.name}` },
  }, image);
  load(attachment.thumbnailUrl!, (url) => {
    image.src = url;
  }, () => button.classList.add("unavailable"));
  return button;
}

function cardElement(attachment: Attachment): HTMLDivElement {
  return el("div", { className: "attachment-card" },
    el("span", { className: "attachment-icon", text: "📄", attrs: { "aria-hidden": "true" } }),
    el("span", { className: "attachment-about" },
      el("span", { className: "attachment-name", text: attachment.name, attrs: { title: attachment.name } }),
      el("span", { className: "attachment-size", text: formatSize(attachment.size) })),
    el("button", {
      className: "small attachment-download",
      text: "Download",
      attrs: { type: "button", "data-url": attachment.url, "data-name": attachment.name, "aria-label": `Download ${attachment.name}` },
    }));
}

/** A pending message's files: their names and sizes (they are uploaded; nothing is read until it is stored). */
export function pendingAttachmentsElement(attachments: readonly Attachment[]): HTMLUListElement {
  return el("ul", { className: "attachments pending-attachments", attrs: { "aria-label": "Files" } },
    ...attachments.map((a) => el("li", { className: "attachment-chip", text: `📎 ${a.name} (${formatSize(a.size)})` })));
}

/** What a click on a file does: an image opens the viewer, Download saves the file. */
export interface AttachmentClicks {
  open(thumbnail: HTMLButtonElement): void;
  notify(message: string): void;
}

/** Handles the clicks on every list's files below `root`, once. */
export function wireAttachmentClicks(root: HTMLElement, files: AttachmentFiles, clicks: AttachmentClicks, signal: AbortSignal): void {
  root.addEventListener("click", (event) => {
    const target = event.target as Element | null;
    const image = target?.closest<HTMLButtonElement>("button.attachment-image");
    if (image) {
      clicks.open(image);
      return;
    }
    const download = target?.closest<HTMLButtonElement>("button.attachment-download");
    if (download) {
      download.disabled = true;
      files.download(download.dataset.url!, download.dataset.name!)
        .catch((error: unknown) => clicks.notify(error instanceof Error ? error.message : String(error)))
        .finally(() => {
          download.disabled = false;
        });
    }
  }, { signal });
}
