package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Refuses any Keras config that names Python code: Lambda layers, custom or unregistered classes
 * (objects whose module is not Keras's own), serialized functions. graft never executes anything
 * from a model file; this makes the refusal explicit and names the culprit.
 */
final class ConfigSafety {
  private static final Set<String> CODE_CLASSES = Set.of("Lambda", "function", "__lambda__", "TFOpLambda", "SlicingOpLambda");
  /** Markers Keras's serializer uses for plain values, not classes. */
  private static final Set<String> VALUE_MARKERS = Set.of("__keras_tensor__", "__tuple__", "__ellipsis__");

  private ConfigSafety() {}

  static void check(Path file, JsonNode root) {
    scan(file, root, "config.json");
  }

  private static void scan(Path file, JsonNode node, String where) {
    if (node.isObject()) {
      if (node.has("class_name")) {
        checkObject(file, node, where);
      }
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        scan(file, f.getValue(), where + "." + f.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        scan(file, node.get(i), where + "[" + i + "]");
      }
    }
  }

  private static void checkObject(Path file, JsonNode node, String where) {
    String cls = node.path("class_name").asText("");
    String name = node.path("config").path("name").asText(cls);
    if (CODE_CLASSES.contains(cls)) {
      throw GraftException.unsupported(file + ": refused: " + cls + " '" + name + "' at " + where
          + " holds Python code, which graft never runs");
    }
    if (VALUE_MARKERS.contains(cls)) {
      return;
    }
    JsonNode module = node.get("module");
    String registered = node.path("registered_name").isNull() ? null : node.path("registered_name").asText(null);
    boolean kerasModule = module != null && module.isTextual() && (module.asText().equals("keras")
        || module.asText().startsWith("keras."));
    // Keras 3 marks its own classes with module keras.* and no registered name (or one equal to the class).
    if (!kerasModule || (registered != null && !registered.equals(cls))) {
      throw GraftException.unsupported(file + ": refused: custom class '" + cls + "'"
          + (registered != null ? " (registered as " + registered + ")" : "") + " at " + where
          + ": its code is not in the file and graft runs no Python; only Keras's built-in layers are supported");
    }
  }
}
