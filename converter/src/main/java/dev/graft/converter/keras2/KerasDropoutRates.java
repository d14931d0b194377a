package dev.graft.converter.keras2;

import java.util.Map;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;

/**
 * Gives imported Keras {@code Dropout} layers their rate. DL4J 1.0.0-M2.1's KerasDropout builds its
 * DropoutLayer from the {@code dropout} field that Keras's Dense layers have, not from the Dropout
 * layer's own {@code rate} (Keras 1: {@code p}), so every Keras Dropout imports with retain
 * probability 1: a no-op in training and in MC dropout.
 */
final class KerasDropoutRates {
  private KerasDropoutRates() {}

  /**
   * Sets each Dropout layer's retain probability to 1 - rate; call before the DL4J configuration is
   * built.
   */
  static void apply(Iterable<KerasLayer> layers) {
    for (KerasLayer layer : layers) {
      if (!"Dropout".equals(layer.getClassName())
          || !(layer.getLayer() instanceof DropoutLayer dropout)) {
        continue;
      }
      double rate = rate(layer);
      // Keras's rate 0 means no dropout; DL4J's retain probability 1 means the same.
      dropout.setIDropout(rate == 0 ? null : new Dropout(1 - rate));
    }
  }

  private static double rate(KerasLayer layer) {
    Object config = layer.getOriginalLayerConfig().get(layer.getConf().getLAYER_FIELD_CONFIG());
    Object rate =
        config instanceof Map<?, ?> m ? m.get(layer.getConf().getLAYER_FIELD_RATE()) : null;
    if (!(rate instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1)) {
      // KerasDropout itself refuses a missing rate or one outside [0, 1], so this is not reached
      // from a file.
      throw new IllegalArgumentException(
          "Dropout layer '" + layer.getLayerName() + "' has no rate in [0, 1): " + rate);
    }
    return n.doubleValue();
  }
}
