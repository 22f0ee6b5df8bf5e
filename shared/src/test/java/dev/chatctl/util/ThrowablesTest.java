package dev.chatctl.util;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ThrowablesTest {
  @Test
  void findsTheFirstAndTheLastOfATypeAndTheRoot() {
    ConnectException root = new ConnectException("refused");
    IOException middle = new IOException("io", root);
    RuntimeException top = new RuntimeException("top", middle);
    assertSame(middle, Throwables.find(top, IOException.class));
    assertSame(root, Throwables.findLast(top, IOException.class));
    assertSame(root, Throwables.root(top));
    assertTrue(Throwables.has(top, IllegalStateException.class, ConnectException.class));
    assertFalse(Throwables.has(top, IllegalStateException.class));
    assertNull(Throwables.find(top, IllegalStateException.class));
  }

  @Test
  void aCyclicChainEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertNull(Throwables.find(a, IOException.class));
    Throwables.root(a); // returns rather than looping
  }

  @Test
  void unwrapStripsFutureWrappersOnly() {
    IOException cause = new IOException("x");
    assertSame(cause, Throwables.unwrap(new CompletionException(new ExecutionException(cause))));
    RuntimeException plain = new RuntimeException(cause);
    assertSame(plain, Throwables.unwrap(plain));
  }
}
