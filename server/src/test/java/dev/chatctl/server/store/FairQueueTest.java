package dev.chatctl.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The writer's queue: the server's own operations first, then one per socket in turn. */
class FairQueueTest {
  private final FairQueue queue = new FairQueue();
  private static final long LATER = Long.MAX_VALUE;

  private static StoreOp send(String content) {
    return new StoreOp.Send(new Draft("a", "b", content, null, null), new CompletableFuture<>());
  }

  private static List<String> contents(List<StoreOp> ops) {
    return ops.stream()
        .map(op -> op instanceof StoreOp.Send s ? s.draft().content() : "touch")
        .toList();
  }

  @Test
  void aFloodingLaneDoesNotKeepAnotherLaneOutOfTheNextBatch() throws Exception {
    StoreLane flood = new StoreLane();
    StoreLane other = new StoreLane();
    for (int i = 0; i < 1000; i++) {
      queue.add(flood, send("f" + i), System.nanoTime() + 60_000_000_000L);
    }
    queue.add(other, send("o0"), LATER);
    queue.add(other, send("o1"), LATER);
    queue.add(null, new StoreOp.Touch(List.of(), false, new CompletableFuture<>()), LATER);
    List<StoreOp> batch = new ArrayList<>();
    queue.take(batch, new ArrayList<>(), 6, 0);
    assertEquals(
        List.of("touch", "f0", "o0", "f1", "o1", "f2"),
        contents(batch),
        "the server's own first, then lanes in turn");
    batch.clear();
    queue.take(batch, new ArrayList<>(), 3, 0);
    assertEquals(List.of("f3", "f4", "f5"), contents(batch), "a lane's order is kept");
    assertEquals(1000 - 6, queue.size());
  }

  @Test
  void operationsPastTheirDeadlineAreHandedBackButCorrectionsNeverExpire() throws Exception {
    StoreLane lane = new StoreLane();
    long past = System.nanoTime() - 1;
    queue.add(lane, send("late"), past);
    queue.add(
        null, new StoreOp.Deliveries(List.of("m"), List.of(), new CompletableFuture<>()), past);
    queue.add(lane, send("fine"), LATER);
    List<StoreOp> batch = new ArrayList<>();
    List<StoreOp> expired = new ArrayList<>();
    queue.take(batch, expired, 10, 0);
    assertEquals(List.of("late"), contents(expired));
    assertEquals(2, batch.size());
    assertTrue(batch.get(0) instanceof StoreOp.Deliveries);
    assertEquals(0, queue.size());
  }

  @Test
  void oneLaneTakesAtMostItsShareOfABatch() throws Exception {
    StoreLane flood = new StoreLane();
    for (int i = 0; i < 100; i++) {
      queue.add(flood, send("f" + i), LATER);
    }
    List<StoreOp> batch = new ArrayList<>();
    queue.take(batch, new ArrayList<>(), 512, 0);
    assertEquals(FairQueue.LANE_SHARE, batch.size());
    assertEquals(100 - FairQueue.LANE_SHARE, queue.size());
  }
}
