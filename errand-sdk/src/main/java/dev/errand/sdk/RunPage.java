package dev.errand.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One page of runs; {@code nextCursor} is null on the last page. */
public record RunPage(List<Run<JsonNode>> data, String nextCursor) {}
