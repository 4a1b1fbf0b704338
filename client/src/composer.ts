import type { Attachment } from "./contract";
import { byId } from "./dom";
import { describeError } from "./errors";

/** The composer grows with the text up to this height, as chat composers do; then it scrolls. */
const maxInputHeightPx = 200;

export interface ComposerActions {
  /** Puts the message in the outbox for the active conversation; resolves once it is there, rejects when it is not. */
  send(text: string, attachments: readonly Attachment[]): Promise<void>;
  /** The text changed (for the typing notice). */
  input(text: string): void;
  /** Something the user should read: an empty or too long message, a failed send. */
  notify(message: string): void;
  /** ↑ in the empty box: edit the user's last message; false when there is none to edit. */
  editLast(): boolean;
}

/** (v3) The files attached to the message being composed (composer-attachments.ts). */
export interface ComposerFiles {
  readonly attachments: Attachment[];
  /** A file is still uploading. */
  readonly busy: boolean;
  /** The message went with the uploaded files. */
  sent(): void;
  /** Another conversation opened: the files were for the one before. */
  clear(): void;
}

/** The message composer (#composer): its text box, character counter, files and Send button. */
export class Composer {
  private readonly form = byId<HTMLFormElement>("composer");
  private readonly input = byId<HTMLTextAreaElement>("message-input");
  private readonly label = byId("composer-label");
  private readonly sendButton = byId<HTMLButtonElement>("send");
  private readonly counter = byId("char-count");
  private hasTarget = false;

  constructor(private readonly maxLength: number, private readonly actions: ComposerActions, readonly files: ComposerFiles, signal: AbortSignal) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    }, { signal });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.submit();
      } else if (event.key === "ArrowUp" && this.input.value === "" && !event.isComposing && actions.editLast()) {
        event.preventDefault();
      }
    }, { signal });
    this.input.addEventListener("input", () => {
      this.updateCounter();
      actions.input(this.input.value);
    }, { signal });
    this.updateCounter();
  }

  /** Where messages go, as "Message #room" or "Message alice"; null hides the composer. */
  setTarget(label: string | null): void {
    this.hasTarget = label !== null;
    this.form.hidden = label === null;
    if (label !== null) {
      this.label.textContent = label;
      this.input.placeholder = label;
    }
  }

  /** Sending works while disconnected too (the outbox keeps the message); the button only says so. */
  setConnected(connected: boolean): void {
    this.sendButton.title = connected ? "" : "Sent when the connection is back";
  }

  focus(): void {
    this.input.focus();
  }

  private async submit(): Promise<void> {
    const text = this.input.value;
    const attachments = this.files.attachments;
    if (!this.hasTarget) {
      return;
    }
    if (this.files.busy) {
      this.actions.notify("Wait until the files have uploaded (or cancel them), then send.");
      return;
    }
    if (text.trim() === "" && attachments.length === 0) {
      this.actions.notify(describeError(new Error("HubException: invalid_message: empty")).message);
      return;
    }
    if (text.length > this.maxLength) {
      this.actions.notify(`That message is ${text.length - this.maxLength} characters too long.`);
      return;
    }
    try {
      // Text that shows nothing goes as none: the files are the message.
      await this.actions.send(text.trim() === "" ? "" : text, attachments);
    } catch (error) {
      // Not in the outbox: the text and the files stay in the composer.
      this.actions.notify(describeError(error).message);
      return;
    }
    this.files.sent();
    // Safely in the outbox (shown as "sending…"): the box is cleared, unless it already holds something else.
    if (this.input.value === text) {
      this.input.value = "";
      this.updateCounter();
    }
  }

  private updateCounter(): void {
    const length = this.input.value.length;
    const limit = this.maxLength;
    this.counter.textContent = `${length.toLocaleString()} / ${limit.toLocaleString()}`;
    this.counter.dataset.level = length > limit ? "over" : length > limit * 0.9 ? "near" : "ok";
    this.input.setAttribute("aria-invalid", String(length > limit));
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, maxInputHeightPx)}px`;
  }
}
