package dev.jvisor.shim.oci;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** A spec object that keeps the fields it does not model, so they are reported instead of silently dropped. */
public abstract class Extensible {
  private final Map<String, JsonNode> unknown = new LinkedHashMap<>();

  @JsonAnySetter
  void unknown(String name, JsonNode value) {
    unknown.put(name, value);
  }

  @JsonAnyGetter
  public Map<String, JsonNode> unknownFields() {
    return unknown;
  }
}
