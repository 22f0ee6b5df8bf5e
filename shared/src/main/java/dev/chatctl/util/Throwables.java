package dev.chatctl.util;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/** Walks an exception's cause chain (bounded, so a cyclic chain cannot loop forever). */
public final class Throwables {
  private static final int MAX_DEPTH = 64;

  private Throwables() {}

  /**
   * The first throwable in {@code t}'s cause chain (itself included) that {@code test} accepts,
   * else null.
   */
  public static Throwable find(Throwable t, Predicate<? super Throwable> test) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < MAX_DEPTH; depth++) {
      if (test.test(c)) {
        return c;
      }
      if (c.getCause() == c) {
        break;
      }
      c = c.getCause();
    }
    return null;
  }

  /** The first throwable of {@code type} in {@code t}'s cause chain, else null. */
  public static <T extends Throwable> T find(Throwable t, Class<T> type) {
    return type.cast(find(t, type::isInstance));
  }

  /** The last (innermost) throwable of {@code type} in {@code t}'s cause chain, else null. */
  public static <T extends Throwable> T findLast(Throwable t, Class<T> type) {
    T last = null;
    Throwable c = t;
    for (int depth = 0; c != null && depth < MAX_DEPTH; depth++) {
      if (type.isInstance(c)) {
        last = type.cast(c);
      }
      c = c.getCause() == c ? null : c.getCause();
    }
    return last;
  }

  /** True when something in {@code t}'s cause chain is of one of the types. */
  @SafeVarargs
  public static boolean has(Throwable t, Class<? extends Throwable>... types) {
    return find(
            t,
            c -> {
              for (Class<? extends Throwable> type : types) {
                if (type.isInstance(c)) {
                  return true;
                }
              }
              return false;
            })
        != null;
  }

  /** The last throwable of the cause chain. */
  public static Throwable root(Throwable t) {
    Throwable root = t;
    Throwable c = t;
    for (int depth = 0; c != null && depth < MAX_DEPTH; depth++) {
      root = c;
      c = c.getCause() == c ? null : c.getCause();
    }
    return root;
  }

  /** A failed future's cause, without the CompletionException/ExecutionException wrappers. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    for (int depth = 0;
        depth < MAX_DEPTH
            && (c instanceof CompletionException || c instanceof ExecutionException)
            && c.getCause() != null;
        depth++) {
      c = c.getCause();
    }
    return c;
  }
}
