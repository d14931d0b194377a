package dev.graft.converter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers a Keras Functional layer takes its inputs from, as its config's inbound_nodes name
 * them.
 */
public final class KerasInbound {
  private KerasInbound() {}

  /**
   * Layer names in order: [[name, node, tensor, kwargs], ...] in Keras 2, or the keras_history of
   * each {@code __keras_tensor__} in Keras 2.13+ and 3.
   */
  public static List<String> references(JsonNode inboundNodes) {
    return collect(inboundNodes, new ArrayList<>());
  }

  private static List<String> collect(JsonNode node, List<String> out) {
    if (node.isArray()) {
      if (node.size() >= 3 && node.get(0).isTextual() && node.get(1).isNumber()) {
        out.add(node.get(0).asText());
        return out;
      }
      node.forEach(n -> collect(n, out));
    } else if (node.isObject()) {
      JsonNode history = node.get("keras_history");
      if (history != null
          && history.isArray()
          && history.size() > 0
          && history.get(0).isTextual()) {
        out.add(history.get(0).asText());
      } else {
        node.forEach(n -> collect(n, out));
      }
    }
    return out;
  }
}
