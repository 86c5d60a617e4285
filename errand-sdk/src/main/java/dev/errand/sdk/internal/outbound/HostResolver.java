package dev.errand.sdk.internal.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Looks a host name up; the outbound client's one DNS lookup per request goes through it. */
@FunctionalInterface
public interface HostResolver {
  /** The JVM's resolver (its cache, then the system's). */
  HostResolver SYSTEM = InetAddress::getAllByName;

  InetAddress[] resolve(String host) throws UnknownHostException;
}
