package dev.graft.converter.keras3;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.Layer;

/** The registry of Keras layer codecs: one place that lists every layer graft maps. */
final class LayerCodecs {
  private static final List<LayerCodec> ALL =
      List.of(
          new InputLayerCodec(),
          new DenseCodec(),
          new ActivationCodec(),
          new DropoutCodec(),
          new BatchNormalizationCodec(),
          new Conv2DCodec(),
          new DepthwiseConv2DCodec(),
          new Pooling2DCodec(),
          new GlobalPoolingCodec(),
          new ZeroPadding2DCodec(),
          new PReLUCodec(),
          new FlattenCodec(),
          new ReshapeCodec(),
          new RescalingCodec(),
          new EmbeddingCodec(),
          new RecurrentCodec(),
          new BidirectionalCodec(),
          new Conv1DCodec(),
          new Pooling1DCodec(),
          new Cropping2DCodec(),
          new UpSampling2DCodec(),
          new Conv2DTransposeCodec(),
          new SeparableConv2DCodec());

  private static final Map<String, LayerCodec> BY_KERAS = new LinkedHashMap<>();
  private static final Map<Class<?>, LayerCodec> BY_DL4J = new LinkedHashMap<>();

  static {
    for (LayerCodec codec : ALL) {
      codec.kerasClasses().forEach(k -> register(BY_KERAS, k, codec));
      codec.dl4jLayers().forEach(c -> register(BY_DL4J, c, codec));
      codec.dl4jPreprocessors().forEach(c -> register(BY_DL4J, c, codec));
    }
  }

  private LayerCodecs() {}

  private static <K> void register(Map<K, LayerCodec> map, K key, LayerCodec codec) {
    if (map.put(key, codec) != null) {
      throw new IllegalStateException("two codecs for " + key);
    }
  }

  /** The codec reading this Keras class, or null. */
  static LayerCodec forKeras(String kerasClass) {
    return BY_KERAS.get(kerasClass);
  }

  /** The codec writing this DL4J layer: its own class's, else a superclass's that allows it. */
  static LayerCodec forDl4j(Layer layer) {
    LayerCodec exact = BY_DL4J.get(layer.getClass());
    if (exact != null) {
      return exact;
    }
    for (Class<?> c = layer.getClass().getSuperclass(); c != null; c = c.getSuperclass()) {
      LayerCodec codec = BY_DL4J.get(c);
      if (codec != null) {
        return codec.writesSubclasses() ? codec : null;
      }
    }
    return null;
  }

  /** The codec writing this DL4J preprocessor, or null. */
  static LayerCodec forPreprocessor(InputPreProcessor pp) {
    return BY_DL4J.get(pp.getClass());
  }

  /** The Keras classes graft reads, for messages. */
  static String kerasClasses() {
    return String.join(", ", BY_KERAS.keySet());
  }

  /** The DL4J layers graft writes as Keras, for messages. */
  static String dl4jLayers() {
    List<String> names = new ArrayList<>();
    BY_DL4J.keySet().stream()
        .filter(Layer.class::isAssignableFrom)
        .forEach(c -> names.add(c.getSimpleName()));
    return String.join(", ", names);
  }
}
