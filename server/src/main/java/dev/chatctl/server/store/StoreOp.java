package dev.chatctl.server.store;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Work for the {@link StoreWriter}. Each carries the future it completes: on the writer thread,
 * after its batch commits, in the order the operations were submitted, so that what a completion
 * emits goes out in that order too.
 */
public sealed interface StoreOp {

  CompletableFuture<?> result();

  /**
   * A connect: upsert the user's profile (when {@code upsert}) and resume the recovery session
   * {@code pid} with {@code offset}, or start a new one.
   */
  record Admit(
      Profile profile, boolean upsert, String pid, Long offset, CompletableFuture<Admitted> result)
      implements StoreOp {}

  /**
   * The outcome of an Admit. {@code replayAfter} is where a recovered session's replay starts; null
   * for a new session (whose backlog is the undelivered messages).
   */
  record Admitted(String pid, boolean recovered, Long replayAfter, UserRecord user) {}

  /** A message to store. */
  record Send(Draft draft, CompletableFuture<SendOutcome> result) implements StoreOp {}

  /** What became of a Send. */
  sealed interface SendOutcome {
    /** Stored now ({@code created}), or found stored under the same clientMessageId. */
    record Stored(StoredMessage message, boolean created) implements SendOutcome {}

    record RecipientNotFound() implements SendOutcome {}
  }

  /**
   * A user's backlog for a socket that just connected: the undelivered messages ({@code
   * replayAfter} null) or everything after an offset (recovery), after {@code cursor}, one page.
   * The messages it returns are marked delivered in the same transaction; messages stored later in
   * the same batch reach the socket live instead (they are not in the page).
   */
  record OpenInbox(String userId, Long replayAfter, long cursor, CompletableFuture<Backlog> result)
      implements StoreOp {}

  /**
   * One page of a backlog; {@code more} when another page follows after {@code cursor}. {@code
   * newlyDelivered}: the ids this page marked delivered (a recovery replay also holds messages
   * delivered before, which are neither receipted again nor unmarked).
   */
  record Backlog(
      List<StoredMessage> messages, boolean more, long cursor, Set<String> newlyDelivered) {}

  /** Corrections of delivered_at made when messages were (or were not) written to a socket. */
  record Deliveries(
      List<String> delivered, List<String> undelivered, CompletableFuture<Void> result)
      implements StoreOp {}

  /** message:read: returns the newly read. */
  record Read(String readerId, List<String> messageIds, CompletableFuture<List<ReadMark>> result)
      implements StoreOp {}

  /** Recovery sessions seen now; with {@code expire}, those past the window are deleted. */
  record Touch(List<String> pids, boolean expire, CompletableFuture<Void> result)
      implements StoreOp {}
}
