import "./conversation-features.css";
import "./attachments.css";
import { wireAttachmentClicks } from "./attachment-view";
import { ComposerAttachments } from "./composer-attachments";
import type { ConversationPane } from "./conversation-pane";
import { byId } from "./dom";
import { describeError } from "./errors";
import type { LineActions } from "./line-actions";
import { MentionComplete } from "./mention-complete";
import type { MessageEditing } from "./message-editing";
import type { Notices } from "./notices";
import { ImageViewer } from "./image-viewer";
import { ReactionPicker } from "./reaction-picker";
import { ReplyDraft } from "./reply-draft";
import type { Channel } from "./rooms";
import { SearchView } from "./search-view";
import type { ChatSession } from "./session";
import { ThreadPanel } from "./thread-panel";

/** What the features ask of the page. */
export interface FeaturesHost {
  pane(): ConversationPane;
  editing(): MessageEditing;
  /** Opens a room or conversation, as choosing it in the sidebar does. */
  activate(channel: Channel): void;
}

/**
 * The v3 parts around the open conversation: what a line's buttons do (react, reply, thread, edit, delete, a quote's
 * jump), the thread panel, the reply being written, the reaction picker, `@` completion in both text boxes, and
 * the search box, and (v3) files: those being attached in the composer, thumbnails opening the image viewer, downloads.
 * Each works through the open conversation, never asking "room or DM?".
 */
export class ConversationFeatures {
  readonly thread: ThreadPanel;
  readonly replyDraft: ReplyDraft;
  readonly actions: LineActions;
  private readonly picker: ReactionPicker;
  private readonly search: SearchView;
  readonly files: ComposerAttachments;
  private readonly viewer: ImageViewer;

  constructor(session: ChatSession, maxLength: number, notices: Notices, host: FeaturesHost, signal: AbortSignal) {
    const me = session.identity.userId;
    const open = () => host.pane().open();
    const react = (messageId: number, emoji: string, add: boolean) => {
      open()?.react(messageId, emoji, add).catch((error: unknown) => notices.toast(describeError(error).message));
    };
    this.picker = new ReactionPicker(signal);
    this.actions = {
      edit: (id) => void host.editing().begin(id),
      remove: (id) => void host.editing().remove(id),
      reply: (id) => host.pane().replyTo(id),
      thread: (id) => void host.pane().openThread(id),
      react,
      pick: (id, anchor) => this.picker.open(anchor, (emoji) => react(id, emoji, true)),
      jump: (id) => void host.pane().reveal(id),
      tell: (text) => notices.toast(text),
    };
    this.thread = new ThreadPanel(maxLength, { ...this.actions, notify: (message) => notices.toast(message) }, signal);
    this.replyDraft = new ReplyDraft(signal);
    const people = () => open()?.mentionable() ?? [];
    new MentionComplete(byId<HTMLTextAreaElement>("message-input"), people, me, signal);
    new MentionComplete(this.thread.textBox, people, me, signal);
    this.files = new ComposerAttachments({
      target: () => open()?.target ?? null,
      token: () => session.identity.token(),
      notify: (message) => notices.toast(message),
    }, signal);
    this.viewer = new ImageViewer(session.files, signal);
    wireAttachmentClicks(byId("app"), session.files, { open: (thumbnail) => this.viewer.open(thumbnail), notify: (message) => notices.toast(message) }, signal);
    this.search = new SearchView(session.connection, {
      me,
      jump: (channel, found) => {
        host.activate(channel);
        void host.pane().reveal(found.id);
      },
    }, signal);
  }

  clear(): void {
    this.thread.clear();
    this.replyDraft.clear();
    this.picker.clear();
    this.search.clear();
    this.files.clear();
    this.viewer.clear();
  }
}
