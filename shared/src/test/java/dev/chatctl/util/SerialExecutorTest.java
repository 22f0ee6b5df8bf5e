package dev.chatctl.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  @Test
  void directRunsOnTheCallerAndAReentrantTaskAfterTheCurrentOne() {
    List<String> order = new ArrayList<>();
    SerialExecutor serial = SerialExecutor.direct(e -> order.add("failed"));
    Thread caller = Thread.currentThread();
    serial.execute(
        () -> {
          order.add("a");
          serial.execute(() -> order.add("c"));
          order.add("b");
          assertTrue(serial.inLoop());
          assertEquals(caller, Thread.currentThread());
        });
    assertEquals(List.of("a", "b", "c"), order);
  }

  @Test
  void aFailingTaskIsReportedAndTheNextStillRuns() {
    List<Object> seen = new ArrayList<>();
    SerialExecutor serial = SerialExecutor.direct(seen::add);
    IllegalStateException boom = new IllegalStateException("boom");
    serial.execute(
        () -> {
          throw boom;
        });
    serial.execute(() -> seen.add("next"));
    assertEquals(List.of(boom, "next"), seen);
  }

  @Test
  void onAPoolTasksFromManyThreadsRunOneAtATimeInSubmissionOrderPerThread() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialExecutor serial = SerialExecutor.on(pool, e -> {});
      int threads = 4;
      int perThread = 2_000; // more than one turn's batch, so turns are rescheduled
      List<int[]> ran = Collections.synchronizedList(new ArrayList<>());
      int[] running = {0};
      boolean[] overlapped = {false};
      CountDownLatch done = new CountDownLatch(threads * perThread);
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        submitters.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < perThread; i++) {
                        int n = i;
                        serial.execute(
                            () -> {
                              if (++running[0] != 1) {
                                overlapped[0] = true;
                              }
                              ran.add(new int[] {id, n});
                              running[0]--;
                              done.countDown();
                            });
                      }
                    }));
      }
      for (Thread t : submitters) {
        t.join();
      }
      assertTrue(done.await(20, TimeUnit.SECONDS));
      assertTrue(!overlapped[0], "two tasks ran at once");
      int[] last = {-1, -1, -1, -1};
      for (int[] r : ran) {
        assertEquals(last[r[0]] + 1, r[1], "thread " + r[0] + "'s tasks out of order");
        last[r[0]] = r[1];
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
