package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * One layer of a Keras 3 model being written: its class, its config (Keras's get_config keys), the
 * shape of its input without the batch dimension, its variables in Keras's order and layout, and
 * the variables of the layers it holds by their path below it, where Keras 3 saves them (an RNN's
 * {@code cell}, a Bidirectional's {@code forward_layer/cell} and {@code backward_layer/cell}).
 */
record KerasLayer(
    String className,
    ObjectNode config,
    long[] inputShape,
    List<Object> vars,
    Map<String, List<Object>> nestedVars) {

  KerasLayer(String className, ObjectNode config, long[] inputShape, List<Object> vars) {
    this(className, config, inputShape, vars, Map.of());
  }
}
