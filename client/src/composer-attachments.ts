import { uploadFile, uploadPath } from "./attachments-upload";
import { formatSize } from "./attachment-format";
import type { Attachment } from "./contract";
import { byId, el } from "./dom";
import type { OutboxTarget } from "./outbox-entry";
import { UploadQueue, type Upload } from "./upload-queue";

/** What the composer's files need of the page. */
export interface AttachmentsHost {
  /** Where the open conversation's uploads go; null when nothing is open. */
  target(): OutboxTarget | null;
  token(): Promise<string>;
  notify(message: string): void;
}

/**
 * (v3) The files of the message being composed: attached by the 📎 button, dropped on the conversation or pasted
 * into the text box; one chip each, with its progress, Cancel (an upload on its way is aborted) or Remove, and why
 * it failed. Uploads belong to the conversation open when they began: opening another one discards them. While one
 * is on its way the page asks before it is closed, as the file would be lost (uploaded ones are not: the outbox
 * keeps the message with their ids).
 */
export class ComposerAttachments {
  private readonly chips = byId<HTMLUListElement>("upload-chips");
  private readonly input = byId<HTMLInputElement>("attach-input");
  private readonly queue: UploadQueue<File>;
  private readonly elements = new Map<number, HTMLLIElement>();

  constructor(private readonly host: AttachmentsHost, signal: AbortSignal) {
    this.queue = new UploadQueue<File>((file, progress) => {
      const target = host.target();
      if (target === null) {
        throw new Error("Open a room or a conversation first.");
      }
      return uploadFile(uploadPath(target), file, () => host.token(), progress);
    }, () => this.render());
    byId("attach").addEventListener("click", () => this.input.click(), { signal });
    this.input.addEventListener("change", () => {
      this.add([...(this.input.files ?? [])]);
      this.input.value = "";
    }, { signal });
    this.chips.addEventListener("click", (event) => {
      const key = (event.target as Element | null)?.closest<HTMLButtonElement>("button[data-upload]")?.dataset.upload;
      if (key !== undefined) {
        this.queue.remove(Number(key));
        byId("message-input").focus();
      }
    }, { signal });
    const conversation = byId("conversation");
    conversation.addEventListener("dragover", (event) => {
      if (event.dataTransfer?.types.includes("Files") && host.target() !== null) {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        conversation.classList.add("dropping");
      }
    }, { signal });
    conversation.addEventListener("dragleave", (event) => {
      if (!conversation.contains(event.relatedTarget as Node | null)) {
        conversation.classList.remove("dropping");
      }
    }, { signal });
    conversation.addEventListener("drop", (event) => {
      conversation.classList.remove("dropping");
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length > 0 && host.target() !== null) {
        event.preventDefault();
        this.add(files);
      }
    }, { signal });
    byId("message-input").addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length > 0) {
        event.preventDefault();
        this.add(files.map((file, i) => (file.name ? file : new File([file], `pasted-${i + 1}.${file.type.split("/")[1] ?? "png"}`, { type: file.type }))));
      }
    }, { signal });
    window.addEventListener("beforeunload", (event) => {
      if (this.queue.busy) {
        event.preventDefault();
        event.returnValue = "";
      }
    }, { signal });
  }

  /** The uploaded files, for the message being sent. */
  get attachments(): Attachment[] {
    return this.queue.attachments;
  }

  /** Whether a file is still uploading (the message waits for it). */
  get busy(): boolean {
    return this.queue.busy;
  }

  /** The message went with the uploaded files. */
  sent(): void {
    this.queue.sent();
  }

  /** Another conversation opened (or the page signed out): its uploads would be refused there. */
  clear(): void {
    this.queue.clear();
  }

  private add(files: File[]): void {
    if (this.host.target() === null) {
      this.host.notify("Open a room or a conversation first.");
      return;
    }
    this.queue.add(files);
  }

  private render(): void {
    const uploads = this.queue.uploads;
    const wanted = new Set(uploads.map((u) => u.key));
    for (const [key, item] of this.elements) {
      if (!wanted.has(key)) {
        item.remove();
        this.elements.delete(key);
      }
    }
    for (const upload of uploads) {
      let item = this.elements.get(upload.key);
      if (item === undefined) {
        item = chipElement(upload);
        this.elements.set(upload.key, item);
        this.chips.append(item);
      }
      showChip(item, upload);
    }
    this.chips.hidden = uploads.length === 0;
  }
}

function chipElement(upload: Upload): HTMLLIElement {
  return el("li", { className: "upload-chip", attrs: { "data-key": String(upload.key) } },
    el("span", { className: "upload-name", text: upload.name, attrs: { title: upload.name } }),
    el("span", { className: "upload-size", text: formatSize(upload.size) }),
    el("progress", { attrs: { max: "1", value: "0", "aria-label": `Uploading ${upload.name}` } }),
    el("span", { className: "upload-error", attrs: { role: "alert" } }),
    el("button", { className: "upload-remove", attrs: { type: "button", "data-upload": String(upload.key) } }));
}

/** The chip as the upload is now: its progress bar while uploading, why it failed, Cancel or Remove. */
function showChip(item: HTMLLIElement, upload: Upload): void {
  item.dataset.state = upload.state;
  const progress = item.querySelector("progress")!;
  progress.hidden = upload.state !== "uploading";
  progress.value = upload.size > 0 ? upload.sent / upload.size : 0;
  const error = item.querySelector<HTMLElement>(".upload-error")!;
  if (error.textContent !== (upload.error ?? "")) {
    error.textContent = upload.error ?? "";
  }
  const remove = item.querySelector<HTMLButtonElement>(".upload-remove")!;
  const cancelling = upload.state === "uploading";
  remove.textContent = cancelling ? "Cancel" : "Remove";
  remove.setAttribute("aria-label", `${cancelling ? "Cancel upload of" : "Remove"} ${upload.name}`);
}
