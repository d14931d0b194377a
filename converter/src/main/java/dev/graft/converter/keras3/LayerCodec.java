package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Both directions of one Keras layer class (or a family of them, such as the dropout layers): how
 * its config and weights become DL4J layers ({@link #read}) and how the DL4J layers it covers are
 * written back as it ({@link #write}). Stateless: everything that changes between layers lives in
 * the two direction objects, {@link KerasToDl4j} and {@link Dl4jToKeras}. Found through {@link
 * LayerCodecs}.
 */
interface LayerCodec {
  /** The Keras class names it reads. */
  List<String> kerasClasses();

  /** The DL4J layer configuration classes it writes; empty when it writes none. */
  default List<Class<? extends Layer>> dl4jLayers() {
    return List.of();
  }

  /** The DL4J input preprocessors it writes (Keras layers DL4J keeps as preprocessors). */
  default List<Class<? extends InputPreProcessor>> dl4jPreprocessors() {
    return List.of();
  }

  /** Whether subclasses of {@link #dl4jLayers()} are written the same way. */
  default boolean writesSubclasses() {
    return true;
  }

  /** Translates one Keras layer of class {@code kerasClass} on the reader's current shape. */
  void read(KerasToDl4j in, String kerasClass, JsonNode config, String name);

  /** Writes one DL4J layer as Keras layers on the writer's current shape. */
  default void write(Dl4jToKeras out, Layer layer, Map<String, INDArray> params, String name) {
    throw new IllegalStateException(getClass().getSimpleName() + " writes no layers");
  }

  /** Writes one DL4J input preprocessor as Keras layers. */
  default void writePreprocessor(Dl4jToKeras out, InputPreProcessor pp, String layer) {
    throw new IllegalStateException(getClass().getSimpleName() + " writes no preprocessors");
  }
}
