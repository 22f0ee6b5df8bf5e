package dev.chatctl.cli.client;

import dev.chatctl.util.SerialExecutor;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SocketClient} runs on: the HTTP client that opens its websockets and the scheduler
 * of its timers, either shared ones from its {@link ClientOptions} or its own (made here, released
 * by {@link #release}), and its serial event loop over that scheduler.
 */
final class ClientThreads {
  private static final Logger log = LoggerFactory.getLogger(SocketClient.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  final HttpClient http;
  final ScheduledExecutorService scheduler;
  final SerialExecutor loop;
  private final boolean ownHttp;
  private final boolean ownScheduler;

  ClientThreads(ClientOptions options) {
    this.ownHttp = options.httpClient() == null;
    this.http =
        ownHttp
            ? HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build()
            : options.httpClient();
    this.ownScheduler = options.scheduler() == null;
    this.scheduler =
        ownScheduler
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "chatctl-client-" + THREADS.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                })
            : options.scheduler();
    this.loop = SerialExecutor.on(scheduler, e -> log.warn("a client callback failed", e));
  }

  /** Runs {@code task} on the event loop after {@code delay}; null once the scheduler is down. */
  ScheduledFuture<?> schedule(Duration delay, Runnable task) {
    try {
      return scheduler.schedule(
          () -> loop.execute(task), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shutDown) {
      return null;
    }
  }

  /**
   * Waits (at most 2 s, and not on the event loop itself) for {@code lastWords} to leave, then
   * releases what was made here: the scheduler after the callbacks queued, the HTTP client.
   */
  void release(CompletableFuture<Void> lastWords) {
    if (!loop.inLoop()) {
      try {
        lastWords.get(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // closing anyway
      }
    }
    if (ownScheduler) {
      try {
        scheduler.schedule(scheduler::shutdown, 100, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException alreadyDown) {
        // nothing left to run
      }
    }
    if (ownHttp) {
      http.shutdownNow();
    }
  }
}
