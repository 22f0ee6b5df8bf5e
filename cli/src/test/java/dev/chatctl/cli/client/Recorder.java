package dev.chatctl.cli.client;

import static org.junit.jupiter.api.Assertions.fail;

import dev.chatctl.protocol.chat.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Records a client's events; tests wait on it (with a deadline) instead of sleeping. */
public final class Recorder implements Consumer<ChatEvent> {
  public static final Duration WAIT = Duration.ofSeconds(15);

  private final String name;
  private final List<ChatEvent> events = new ArrayList<>();

  public Recorder(String name) {
    this.name = name;
  }

  @Override
  public synchronized void accept(ChatEvent event) {
    events.add(event);
    notifyAll();
  }

  /** The first event of a type that matches, waiting for it until {@link #WAIT} has passed. */
  public <T extends ChatEvent> T await(Class<T> type, Predicate<? super T> match) {
    return await(type, match, WAIT);
  }

  public <T extends ChatEvent> T await(Class<T> type) {
    return await(type, e -> true, WAIT);
  }

  public synchronized <T extends ChatEvent> T await(
      Class<T> type, Predicate<? super T> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (ChatEvent e : events) {
        if (type.isInstance(e) && match.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return fail(
            name
                + ": no "
                + type.getSimpleName()
                + " as expected within "
                + timeout
                + "; got "
                + events);
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted");
      }
    }
  }

  /**
   * Waits until a received message has this content; returns the contents received so far, in
   * order.
   */
  public List<String> awaitReceived(String content) {
    await(ChatEvent.Received.class, r -> r.message().content().equals(content));
    return receivedContents();
  }

  public synchronized <T extends ChatEvent> List<T> all(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (ChatEvent e : events) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  public synchronized List<String> receivedContents() {
    List<String> out = new ArrayList<>();
    for (ChatEvent e : events) {
      if (e instanceof ChatEvent.Received r) {
        out.add(r.message().content());
      }
    }
    return out;
  }

  public synchronized List<Message> received() {
    return all(ChatEvent.Received.class).stream().map(ChatEvent.Received::message).toList();
  }

  public synchronized List<ChatEvent> events() {
    return List.copyOf(events);
  }
}
