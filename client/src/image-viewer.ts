// (v3) The full-size image viewer (#image-viewer, a modal dialog): opened from a thumbnail, ← and → move between the
// images of the same list in the order shown, Escape (or Close) closes it and focus returns to the thumbnail of
// the image shown last. The image is read with the token into a `blob:` URL, revoked as soon as it is not shown.

import type { AttachmentFiles } from "./attachment-files";
import { byId } from "./dom";

/** Where a key moves in a list of `count` images from `index`: the neighbour, or null at either end or for another key. */
export function stepIndex(index: number, count: number, key: string): number | null {
  const next = key === "ArrowLeft" ? index - 1 : key === "ArrowRight" ? index + 1 : null;
  return next === null || next < 0 || next >= count ? null : next;
}

/** "2 of 5" (empty for a single image). */
export function positionText(index: number, count: number): string {
  return count > 1 ? `${index + 1} of ${count}` : "";
}

export class ImageViewer {
  private readonly dialog = byId<HTMLDialogElement>("image-viewer");
  private readonly image = byId<HTMLImageElement>("image-viewer-image");
  private readonly title = byId("image-viewer-title");
  private readonly position = byId("image-viewer-position");
  private readonly previous = byId<HTMLButtonElement>("image-viewer-previous");
  private readonly next = byId<HTMLButtonElement>("image-viewer-next");
  /** The thumbnail of the image shown, and the list it is in. */
  private current: HTMLButtonElement | null = null;
  private list: Element | null = null;
  private objectUrl: string | null = null;
  /** Counts the images asked for: a read that finishes after the next was asked for is dropped. */
  private shown = 0;

  constructor(private readonly files: AttachmentFiles, signal: AbortSignal) {
    // On the document: focus may leave the dialog's buttons (one is disabled at either end), the keys must not.
    document.addEventListener("keydown", (event) => {
      if (this.dialog.open && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
        event.preventDefault();
        this.step(event.key);
      }
    }, { signal });
    this.previous.addEventListener("click", () => this.step("ArrowLeft"), { signal });
    this.next.addEventListener("click", () => this.step("ArrowRight"), { signal });
    byId("image-viewer-close").addEventListener("click", () => this.dialog.close(), { signal });
    // Escape closes a modal dialog by itself; every way of closing ends here.
    this.dialog.addEventListener("close", () => this.closed(), { signal });
  }

  /** Opens the viewer on a thumbnail's image. */
  open(thumbnail: HTMLButtonElement): void {
    this.list = thumbnail.closest("ol, ul") ?? thumbnail.ownerDocument.body;
    this.show(thumbnail);
    if (!this.dialog.open) {
      this.dialog.showModal();
    }
  }

  clear(): void {
    if (this.dialog.open) {
      this.dialog.close();
    }
    this.closed();
  }

  private thumbnails(): HTMLButtonElement[] {
    return this.list === null ? [] : [...this.list.querySelectorAll<HTMLButtonElement>("button.attachment-image")];
  }

  private step(key: string): void {
    const all = this.thumbnails();
    const index = this.current === null ? -1 : all.indexOf(this.current);
    const next = index < 0 ? null : stepIndex(index, all.length, key);
    if (next !== null) {
      this.show(all[next]!);
    }
  }

  private show(thumbnail: HTMLButtonElement): void {
    this.current = thumbnail;
    const all = this.thumbnails();
    const index = all.indexOf(thumbnail);
    const name = thumbnail.dataset.name ?? "";
    this.title.textContent = name;
    this.position.textContent = positionText(index, all.length);
    this.previous.disabled = stepIndex(index, all.length, "ArrowLeft") === null;
    this.next.disabled = stepIndex(index, all.length, "ArrowRight") === null;
    const focused = this.dialog.ownerDocument.activeElement;
    if ((focused === this.previous || focused === this.next) && (focused as HTMLButtonElement).disabled) {
      // A disabled button loses focus to the page behind: it stays in the dialog, on the way back.
      (focused === this.next ? this.previous : this.next).focus();
    }
    this.revoke();
    this.image.removeAttribute("src");
    this.image.alt = name;
    this.dialog.dataset.state = "loading";
    const asked = ++this.shown;
    this.files.blob(thumbnail.dataset.url!).then((blob) => {
      if (asked === this.shown && this.dialog.open) {
        this.objectUrl = URL.createObjectURL(blob);
        this.image.src = this.objectUrl;
        this.dialog.dataset.state = "shown";
      }
    }, (error: unknown) => {
      if (asked === this.shown) {
        this.dialog.dataset.state = "failed";
        this.image.alt = `${name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    });
  }

  private closed(): void {
    this.shown++;
    this.revoke();
    this.image.removeAttribute("src");
    const thumbnail = this.current;
    this.current = null;
    this.list = null;
    if (thumbnail?.isConnected) {
      thumbnail.focus();
    }
  }

  private revoke(): void {
    if (this.objectUrl !== null) {
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
    }
  }
}
