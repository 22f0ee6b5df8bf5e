package dev.chatctl.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One socket's answers leave in the order its events came, however long each one's work takes. */
class RepliesTest {
  private final Replies replies = new Replies(Deadlines.NONE, 64);
  private final List<String> answers = new ArrayList<>();

  private void add(CompletableFuture<String> work, boolean afterEarlier) {
    replies.add(
        () -> work,
        afterEarlier,
        (value, error) -> answers.add(error != null ? "failed: " + error.getMessage() : value));
  }

  @Test
  void answersLeaveInArrivalOrderWhateverOrderTheWorkFinishes() {
    CompletableFuture<String> slow = new CompletableFuture<>();
    add(slow, false);
    add(CompletableFuture.completedFuture("second"), false);
    assertEquals(List.of(), answers, "the second waits for the first");
    slow.complete("first");
    assertEquals(List.of("first", "second"), answers);
  }

  @Test
  void workThatMustSeeEarlierEffectsStartsOnlyWhenTheyAreDone() {
    CompletableFuture<String> earlier = new CompletableFuture<>();
    add(earlier, false);
    AtomicBoolean started = new AtomicBoolean();
    replies.add(
        () -> {
          started.set(true);
          return CompletableFuture.completedFuture("after");
        },
        true,
        (value, error) -> answers.add(value));
    assertFalse(started.get());
    earlier.complete("before");
    assertTrue(started.get());
    assertEquals(List.of("before", "after"), answers);
  }

  @Test
  void aFailureIsAnsweredInItsTurnUnwrapped() {
    CompletableFuture<String> slow = new CompletableFuture<>();
    add(slow, false);
    replies.add(
        () -> {
          throw new IllegalStateException("boom");
        },
        false,
        (value, error) -> answers.add("failed: " + error.getMessage()));
    add(CompletableFuture.failedFuture(new IllegalArgumentException("bad")), false);
    slow.complete("ok");
    assertEquals(List.of("ok", "failed: boom", "failed: bad"), answers);
  }

  @Test
  void readingPausesAtTheCapAndResumesWhenHalfAreAnswered() {
    Replies capped = new Replies(Deadlines.NONE, 4);
    List<Boolean> pauses = new ArrayList<>();
    capped.onBackpressure(pauses::add);
    List<CompletableFuture<String>> works = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      CompletableFuture<String> w = new CompletableFuture<>();
      works.add(w);
      capped.add(() -> w, false, (v, e) -> {});
    }
    assertEquals(List.of(true), pauses, "paused at 4 outstanding");
    works.get(0).complete("a");
    assertEquals(List.of(true), pauses);
    works.get(1).complete("b");
    assertEquals(List.of(true, false), pauses, "resumed at 2 outstanding");
    assertEquals(2, capped.outstanding());
  }

  @Test
  void workNotDoneInTimeIsAnsweredWithATimeoutAndStillRuns() throws Exception {
    Deadlines deadlines = new Deadlines(java.time.Duration.ofMillis(50));
    Replies timed = new Replies(deadlines, 64);
    CompletableFuture<String> work = new CompletableFuture<>();
    CompletableFuture<Throwable> answered = new CompletableFuture<>();
    List<String> after = new ArrayList<>();
    work.thenAccept(after::add);
    timed.add(() -> work, false, (v, e) -> answered.complete(e));
    deadlines.sweep();
    assertFalse(answered.isDone(), "not before the deadline");
    Thread.sleep(60);
    deadlines.sweep();
    assertTrue(
        answered.get(5, java.util.concurrent.TimeUnit.SECONDS)
            instanceof java.util.concurrent.TimeoutException);
    work.complete("stored late");
    assertEquals(List.of("stored late"), after, "what depends on the work itself still happens");
  }
}
