package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One layer of a Keras 3 model being written: its class, its config (Keras's get_config keys), the
 * shape of its input without the batch dimension, and its variables in Keras's order and layout.
 */
record KerasLayer(String className, ObjectNode config, long[] inputShape, List<Object> vars) {}
