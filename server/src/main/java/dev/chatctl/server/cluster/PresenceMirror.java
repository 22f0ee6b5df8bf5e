package dev.chatctl.server.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of who is online in the cluster, kept from the presence events in their sequence
 * order and replaced by a full snapshot now and then. An event that arrives ahead of a missing one
 * waits (at most {@value #MAX_PENDING}); while one waits the mirror is {@linkplain #stalledSince
 * stalled} and its owner re-syncs. The last {@value #RECENT} events are kept so that a snapshot
 * older than events already received loses none of them. Thread-safe.
 */
final class PresenceMirror {
  static final int MAX_PENDING = 10_000;
  static final int RECENT = 4_096;

  private final Set<String> online = ConcurrentHashMap.newKeySet();
  private final TreeMap<Long, PresenceEvent> pending = new TreeMap<>();
  private final ArrayDeque<PresenceEvent> recent = new ArrayDeque<>();
  private long seq = -1; // -1: no snapshot yet, events are only remembered
  private long stalledSince; // System.nanoTime() when an event started waiting; 0: none waits

  /** Who is online (a live view). */
  Set<String> online() {
    return online;
  }

  synchronized long seq() {
    return seq;
  }

  /** Takes a published event; returns the events now applied, in order (for the listeners). */
  synchronized List<PresenceEvent> apply(PresenceEvent event) {
    recent.addLast(event);
    if (recent.size() > RECENT) {
      recent.removeFirst();
    }
    List<PresenceEvent> applied = new ArrayList<>();
    if (seq < 0 || event.seq() <= seq) {
      return applied;
    }
    pending.put(event.seq(), event);
    if (pending.size() > MAX_PENDING) {
      pending.pollFirstEntry(); // a re-sync is overdue; it will cover what is lost here
    }
    drain(applied);
    return applied;
  }

  /**
   * Replaces the mirror by a snapshot taken at {@code snapshotSeq}, then applies the events
   * received after it; returns the changes the listeners have not seen (changes found only by the
   * snapshot have seq 0). A snapshot older than what the mirror applied is ignored unless {@code
   * force} (Redis lost its data and counts from zero again).
   */
  synchronized List<PresenceEvent> replace(
      long snapshotSeq, Collection<String> users, boolean force) {
    List<PresenceEvent> changes = new ArrayList<>();
    if (seq >= 0 && snapshotSeq < seq && !force) {
      return changes;
    }
    if (force) {
      recent.clear(); // numbered in the old count
      pending.clear();
    }
    Set<String> now = new HashSet<>(users);
    for (String user : List.copyOf(online)) {
      if (!now.contains(user)) {
        online.remove(user);
        changes.add(new PresenceEvent(0, false, null, user));
      }
    }
    for (String user : now) {
      if (online.add(user)) {
        changes.add(new PresenceEvent(0, true, null, user));
      }
    }
    seq = snapshotSeq;
    pending.headMap(seq, true).clear();
    for (PresenceEvent e : recent) {
      if (e.seq() > seq) {
        pending.put(e.seq(), e);
      }
    }
    drain(changes);
    return changes;
  }

  /**
   * When the oldest event still waiting for a missing one arrived (System.nanoTime()); 0 if none.
   */
  synchronized long stalledSince() {
    return stalledSince;
  }

  private void drain(List<PresenceEvent> applied) {
    while (!pending.isEmpty() && pending.firstKey() <= seq + 1) {
      PresenceEvent e = pending.pollFirstEntry().getValue();
      if (e.seq() != seq + 1) {
        continue;
      }
      seq = e.seq();
      boolean changed = e.online() ? online.add(e.userId()) : online.remove(e.userId());
      if (changed) {
        applied.add(e);
      }
    }
    if (pending.isEmpty()) {
      stalledSince = 0;
    } else if (stalledSince == 0) {
      stalledSince = Math.max(1, System.nanoTime());
    }
  }
}
