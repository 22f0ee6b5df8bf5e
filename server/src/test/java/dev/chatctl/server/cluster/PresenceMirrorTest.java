package dev.chatctl.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The local copy of who is online: events in sequence order, snapshots without losing events. */
class PresenceMirrorTest {
  private static PresenceEvent on(long seq, String user) {
    return new PresenceEvent(seq, true, "n1", user);
  }

  private static PresenceEvent off(long seq, String user) {
    return new PresenceEvent(seq, false, "n1", user);
  }

  @Test
  void eventsApplyInSequenceOrderAndALateOneReleasesTheWaiting() {
    PresenceMirror mirror = new PresenceMirror();
    mirror.replace(0, List.of(), false);
    assertEquals(List.of(on(1, "a")), mirror.apply(on(1, "a")));
    assertEquals(List.of(), mirror.apply(off(3, "a")), "3 waits for 2");
    assertNotEquals(0, mirror.stalledSince());
    assertEquals(List.of(on(2, "b"), off(3, "a")), mirror.apply(on(2, "b")));
    assertEquals(0, mirror.stalledSince());
    assertEquals(List.of(), mirror.apply(on(2, "b")), "a repeat is ignored");
    assertEquals(Set.of("b"), mirror.online());
  }

  @Test
  void eventsBeforeTheFirstSnapshotAreReplayedAfterIt() {
    PresenceMirror mirror = new PresenceMirror();
    assertEquals(List.of(), mirror.apply(on(5, "a")));
    assertEquals(List.of(), mirror.apply(on(6, "b")));
    List<PresenceEvent> changes = mirror.replace(5, List.of("a", "z"), false);
    assertEquals(
        List.of(
            new PresenceEvent(0, true, null, "a"),
            new PresenceEvent(0, true, null, "z"),
            on(6, "b")),
        changes.stream()
            .sorted(
                (x, y) ->
                    Long.compare(x.seq(), y.seq()) != 0
                        ? Long.compare(x.seq(), y.seq())
                        : x.userId().compareTo(y.userId()))
            .toList());
    assertEquals(Set.of("a", "b", "z"), mirror.online());
    assertEquals(6, mirror.seq());
  }

  @Test
  void aSnapshotReportsOnlyWhatChangedAndAnOlderOneIsIgnored() {
    PresenceMirror mirror = new PresenceMirror();
    mirror.replace(10, List.of("a", "b"), false);
    List<PresenceEvent> changes = mirror.replace(12, List.of("b", "c"), false);
    assertEquals(
        Set.of(new PresenceEvent(0, false, null, "a"), new PresenceEvent(0, true, null, "c")),
        Set.copyOf(changes));
    assertTrue(mirror.replace(11, List.of(), false).isEmpty(), "older than what was applied");
    assertEquals(Set.of("b", "c"), mirror.online());
  }

  @Test
  void aForcedSnapshotStartsTheCountAgainAfterRedisLostItsData() {
    PresenceMirror mirror = new PresenceMirror();
    mirror.replace(100, List.of("a", "b"), false);
    List<PresenceEvent> changes = mirror.replace(2, List.of("a"), true);
    assertEquals(List.of(new PresenceEvent(0, false, null, "b")), changes);
    assertEquals(List.of(on(3, "c")), mirror.apply(on(3, "c")));
    assertEquals(Set.of("a", "c"), mirror.online());
  }
}
