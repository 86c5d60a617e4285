package dev.errand.bench;

import dev.errand.server.store.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Times the calls of one {@link Store} method inside the server, through a dynamic proxy in front
 * of the store: for {@code recordStep}, that is the server's transaction that records a step
 * (waiting for a pooled connection, the statements and the commit), without HTTP and JSON. Every
 * other method passes straight through. Keeps the first {@code capacity} calls. Thread-safe.
 */
final class StoreTimer {
  private final String method;
  private final AtomicLongArray startedAt;
  private final AtomicLongArray took;
  private final AtomicInteger calls = new AtomicInteger();

  StoreTimer(String method, int capacity) {
    this.method = method;
    this.startedAt = new AtomicLongArray(capacity);
    this.took = new AtomicLongArray(capacity);
  }

  /** {@code store}, with this timer's method timed. Use for one store only. */
  Store wrap(Store store) {
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, m, args) -> {
              if (!m.getName().equals(method)) {
                return call(store, m, args);
              }
              long start = System.nanoTime();
              try {
                return call(store, m, args);
              } finally {
                long end = System.nanoTime();
                int i = calls.getAndIncrement();
                if (i < took.length()) {
                  startedAt.set(i, start);
                  took.set(i, end - start);
                }
              }
            });
  }

  private static Object call(Store store, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(store, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The durations (nanoseconds) of the calls that began at or after {@code from} (nanoTime). */
  long[] since(long from) {
    int n = Math.min(calls.get(), took.length());
    long[] nanos = new long[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (startedAt.get(i) >= from) {
        nanos[k++] = took.get(i);
      }
    }
    return Arrays.copyOf(nanos, k);
  }
}
