import { RoomNamePattern } from "./contract";
import { byId } from "./dom";
import { describeError } from "./errors";

/** The contract's longest topic. */
const maxTopicLength = 256;

export interface CreateRoomActions {
  /** CreateRoom, then JoinRoom; rejects with the refusal (room_exists, invalid_message, …). */
  create(room: string, visibility: "public" | "private", topic: string | null): Promise<void>;
}

/**
 * The New room dialog (#create-room-dialog): name, public or private, topic. A refusal such as `room_exists`
 * is said inside the dialog, which stays open with what was typed.
 */
export class CreateRoomDialog {
  private readonly dialog = byId<HTMLDialogElement>("create-room-dialog");
  private readonly form = byId<HTMLFormElement>("create-room-form");
  private readonly name = byId<HTMLInputElement>("create-room-name");
  private readonly topic = byId<HTMLInputElement>("create-room-topic");
  private readonly error = byId("create-room-error");
  private busy = false;

  constructor(private readonly actions: CreateRoomActions, signal: AbortSignal) {
    byId("create-room-open").addEventListener("click", () => this.open(), { signal });
    byId("create-room-cancel").addEventListener("click", () => this.dialog.close(), { signal });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.submit();
    }, { signal });
  }

  open(): void {
    this.form.reset();
    this.error.textContent = "";
    this.dialog.showModal();
    this.name.focus();
  }

  close(): void {
    if (this.dialog.open) {
      this.dialog.close();
    }
  }

  private async submit(): Promise<void> {
    const room = this.name.value.trim().replace(/^#/, "");
    const topic = this.topic.value.trim();
    if (!RoomNamePattern.test(room)) {
      this.refuse(describeError(new Error("HubException: invalid_room: bad name")).message, this.name);
      return;
    }
    if (topic.length > maxTopicLength) {
      this.refuse(`A topic is at most ${maxTopicLength} characters.`, this.topic);
      return;
    }
    if (this.busy) {
      return;
    }
    const visibility = new FormData(this.form).get("visibility") === "private" ? "private" : "public";
    this.busy = true;
    try {
      await this.actions.create(room, visibility, topic === "" ? null : topic);
      this.dialog.close();
    } catch (error) {
      this.refuse(describeError(error).message, this.name);
    } finally {
      this.busy = false;
    }
  }

  private refuse(message: string, field: HTMLElement): void {
    this.error.textContent = message;
    field.focus();
  }
}
