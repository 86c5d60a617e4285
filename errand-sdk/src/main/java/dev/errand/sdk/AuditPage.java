package dev.errand.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One page of the audit log ({@link AuditLog#list}); {@code nextCursor} is null on the last. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditPage(List<AuditEvent> data, String nextCursor) {
  public AuditPage {
    data = data == null ? List.of() : List.copyOf(data);
  }
}
