package dev.graft.converter;

import java.util.Locale;
import org.nd4j.linalg.activations.IActivation;

/** Keras-style names for DL4J activation functions. */
public final class Activations {
  private Activations() {}

  /** "ActivationSELU" -> "selu", "ActivationReLU" -> "relu", "ActivationIdentity" -> "linear". */
  public static String name(IActivation fn) {
    String simple =
        fn.getClass().getSimpleName().replaceFirst("^Activation", "").toLowerCase(Locale.ROOT);
    return simple.equals("identity") ? "linear" : simple;
  }
}
