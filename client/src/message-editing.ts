import { confirmAction } from "./confirm";
import { lastEditable } from "./edit-target";
import { describeError } from "./errors";
import type { Conversation } from "./conversation";
import type { Notices } from "./notices";
import type { ChatSession } from "./session";
import type { InlineEdit } from "./message-edit";

export interface EditingHost {
  /** The open conversation, a room or a direct one (v3: both edit and delete); undefined when none is. */
  open(): Conversation | undefined;
  /** An edit ended (saved or cancelled): the composer takes the focus back. */
  done(): void;
}

/** Editing and deleting messages of the open conversation: in place from a line's buttons, or ↑ in the empty composer. */
export class MessageEditing {
  constructor(
    private readonly session: ChatSession,
    /** The lists a message may be edited in (the timeline, the thread panel), asked in turn. */
    private readonly lists: readonly { beginEdit(messageId: number, edit: InlineEdit): boolean }[],
    private readonly notices: Notices,
    private readonly host: EditingHost,
  ) {}

  /** Edits a message of the open conversation in place (its Edit button, or ↑ in the empty composer). */
  begin(messageId: number): boolean {
    const room = this.host.open();
    if (room === undefined) {
      return false;
    }
    const edit: InlineEdit = {
      save: async (text) => {
        try {
          await room.edit(messageId, text);
          return true;
        } catch (error) {
          this.notices.toast(describeError(error).message);
          return false;
        }
      },
      done: () => this.host.done(),
    };
    return this.lists.some((list) => list.beginEdit(messageId, edit));
  }

  /** ↑ in the empty composer: the user's newest message in the open conversation's timeline that is not deleted. */
  editLast(): boolean {
    const room = this.host.open();
    const last = room === undefined ? null : lastEditable(room.lines(), this.session.identity.userId);
    return last !== null && this.begin(last.id);
  }

  async remove(messageId: number): Promise<void> {
    const room = this.host.open();
    if (room === undefined || !(await confirmAction("Delete this message for everyone?", "Delete"))) {
      return;
    }
    try {
      await room.remove(messageId);
    } catch (error) {
      this.notices.toast(describeError(error).message);
    }
  }
}
