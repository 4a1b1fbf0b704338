// (v3) The files attached to the message being composed: each uploading (with its progress), uploaded, or failed
// with why. DOM-free and transport-free: the uploader is injected, so that the states are tested on their own
// (test/attachments.test.ts); composer-attachments.ts shows them as chips.

import { MaxAttachmentBytes, MaxAttachmentsPerMessage, uploadErrorMessage } from "./attachment-format";
import type { Attachment } from "./contract";

/** A file as the queue needs it (a `File` is one). */
export interface UploadFile {
  readonly name: string;
  readonly size: number;
}

/** One upload on its way: settles with the stored `Attachment`, or rejects with an `UploadError`. */
export interface UploadHandle {
  readonly done: Promise<Attachment>;
  abort(): void;
}

/** Starts an upload, reporting the bytes sent so far. */
export type Uploader<F extends UploadFile> = (file: F, progress: (sent: number) => void) => UploadHandle;

/** An upload the server (or the network) refused: its status (0 without an answer) and the problem's code. */
export class UploadError extends Error {
  constructor(readonly status: number, readonly code: string | null) {
    super(uploadErrorMessage(status, code));
  }
}

export type UploadState = "uploading" | "done" | "failed";

export interface Upload {
  /** The chip's key, unique within the queue. */
  readonly key: number;
  readonly name: string;
  readonly size: number;
  state: UploadState;
  /** Bytes sent so far. */
  sent: number;
  attachment?: Attachment;
  /** Why it failed, as the chip says it. */
  error?: string;
}

/**
 * The composer's uploads, in the order attached. Each starts at once; a chip removed while uploading aborts it. A
 * file over the size limit, or past the number a message may carry, fails without being sent.
 */
export class UploadQueue<F extends UploadFile> {
  private readonly items: Upload[] = [];
  private readonly handles = new Map<number, UploadHandle>();
  private nextKey = 1;

  constructor(private readonly upload: Uploader<F>, private readonly onChange: () => void) {}

  get uploads(): readonly Upload[] {
    return this.items;
  }

  /** Whether any upload is still on its way (the page warns before it is closed). */
  get busy(): boolean {
    return this.items.some((u) => u.state === "uploading");
  }

  /** The uploaded files, in the order attached. */
  get attachments(): Attachment[] {
    return this.items.flatMap((u) => (u.state === "done" && u.attachment ? [u.attachment] : []));
  }

  add(files: Iterable<F>): void {
    for (const file of files) {
      const item: Upload = { key: this.nextKey++, name: file.name, size: file.size, state: "uploading", sent: 0 };
      const counted = this.items.filter((u) => u.state !== "failed").length;
      this.items.push(item);
      if (counted >= MaxAttachmentsPerMessage) {
        this.fail(item, `at most ${MaxAttachmentsPerMessage} files per message`);
      } else if (file.size > MaxAttachmentBytes) {
        this.fail(item, uploadErrorMessage(413, "attachment_too_large"));
      } else {
        this.start(item, file);
      }
    }
    this.onChange();
  }

  /** Cancels an upload on its way, or takes an uploaded or failed file off the message. */
  remove(key: number): void {
    const index = this.items.findIndex((u) => u.key === key);
    if (index < 0) {
      return;
    }
    this.handles.get(key)?.abort();
    this.handles.delete(key);
    this.items.splice(index, 1);
    this.onChange();
  }

  /** The message went with the uploaded files: they leave the composer; failed ones stay to say why. */
  sent(): void {
    for (const item of this.items.filter((u) => u.state === "done")) {
      this.items.splice(this.items.indexOf(item), 1);
    }
    this.onChange();
  }

  /** Aborts and forgets everything (another conversation opened, sign-out). */
  clear(): void {
    for (const handle of this.handles.values()) {
      handle.abort();
    }
    this.handles.clear();
    this.items.splice(0);
    this.onChange();
  }

  private start(item: Upload, file: F): void {
    let handle: UploadHandle;
    try {
      handle = this.upload(file, (sent) => {
        if (this.handles.has(item.key)) {
          item.sent = Math.min(sent, item.size);
          this.onChange();
        }
      });
    } catch (error) {
      this.fail(item, messageOf(error));
      return;
    }
    this.handles.set(item.key, handle);
    handle.done.then(
      (attachment) => {
        if (this.handles.delete(item.key)) {
          item.state = "done";
          item.sent = item.size;
          item.attachment = attachment;
          this.onChange();
        }
      },
      (error: unknown) => {
        // A removed chip's abort rejects too: it is gone already.
        if (this.handles.delete(item.key)) {
          this.fail(item, messageOf(error));
          this.onChange();
        }
      },
    );
  }

  private fail(item: Upload, error: string): void {
    item.state = "failed";
    item.error = error;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
