package dev.graft.converter.keras3;

import java.util.List;

/**
 * A Keras model with every nested Sequential, Functional or Model inlined: layers in an order where
 * each comes after its inputs, the model's input tensors with one example's shape each, and its
 * output tensors.
 */
record FlatModel(
    String name,
    String modelClass,
    List<FlatLayer> layers,
    List<String> inputs,
    List<long[]> inputShapes,
    List<String> outputs) {

  /** Whether each layer takes the previous one's output and nothing else (a layer stack). */
  boolean isChain() {
    if (inputs.size() != 1 || outputs.size() != 1) {
      return false;
    }
    String previous = inputs.get(0);
    for (FlatLayer layer : layers) {
      if (!layer.inbound().equals(List.of(previous))) {
        return false;
      }
      previous = layer.name();
    }
    return outputs.get(0).equals(previous);
  }
}
