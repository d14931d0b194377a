package dev.graft.converter;

import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;

/**
 * Input preprocessors that importers collect while walking a model (a flatten, a rescaling, ...).
 */
public final class Preprocessors {
  private Preprocessors() {}

  /** One preprocessor applying {@code pps} in order, or null for none. */
  public static InputPreProcessor combine(List<InputPreProcessor> pps) {
    if (pps.isEmpty()) {
      return null;
    }
    return pps.size() == 1
        ? pps.get(0)
        : new ComposableInputPreProcessor(pps.toArray(InputPreProcessor[]::new));
  }
}
