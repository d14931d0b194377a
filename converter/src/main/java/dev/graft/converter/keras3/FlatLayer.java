package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One layer of a Keras model after nested models are inlined: its name keeps the path through the
 * models that hold it ({@code sequential_1/model1/Conv1}), its inputs name other flat layers (or
 * the model's inputs), and it knows where its weights sit in either Keras file layout.
 *
 * @param name the path-qualified name; the DL4J layer gets this name
 * @param className Keras's class name ("Dense")
 * @param config the layer's Keras config
 * @param inbound the flat names of the tensors it takes, in order
 * @param archiveGroup its weight group in a {@code .keras} archive's model.weights.h5, below {@code
 *     layers/} ("sequential/layers/functional/layers/conv2d")
 * @param path the names of the layers from the top-level one down to this one, for legacy HDF5
 *     files that keep a nested model's weights in its top-level layer's group
 * @param trainable false when the file marks the layer, or a model around it, not trainable
 */
record FlatLayer(
    String name,
    String className,
    JsonNode config,
    List<String> inbound,
    String archiveGroup,
    List<String> path,
    boolean trainable) {

  /** The layer's own name in its model, as Keras's weight names spell it. */
  String leafName() {
    return path.get(path.size() - 1);
  }
}
