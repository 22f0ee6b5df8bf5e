package dev.chatctl.server.store;

import java.util.ArrayDeque;

/**
 * The operations of one source (a socket) waiting for the {@link StoreWriter}: kept in their order,
 * and taken in turn with every other source's, so that one source's backlog never waits in front of
 * another's operation. Only the writer's queue touches its state (under its lock).
 */
public final class StoreLane {
  final ArrayDeque<FairQueue.Entry> ops = new ArrayDeque<>(4);

  /** In the queue's ring of lanes with operations. */
  boolean ready;
}
