package dev.graft.data;

import dev.graft.GraftException;

/**
 * How array values reach a model: as given ({@code none}), or, for whole-number pixels (uint8 and
 * other integer arrays), scaled as graft scales images for that model: {@code unit} = x/255, {@code
 * tf} = x/127.5 - 1. {@code auto} takes the scale the model records (its preprocessing, as
 * "resize+scale") for integer arrays, else {@code unit}; float arrays are used as given, as Keras's
 * fit and predict use them.
 */
public record ArrayScaling(String mode, float scale, float shift) {

  public static ArrayScaling of(boolean integers, String recorded, String requested) {
    String mode = requested == null ? "auto" : requested;
    if (mode.equals("auto")) {
      String own =
          recorded != null && recorded.contains("+") ? recorded.split("\\+", 2)[1] : "unit";
      mode = integers ? own : "none";
    }
    return switch (mode) {
      case "none" -> new ArrayScaling("none", 1f, 0f);
      case "unit" -> new ArrayScaling("unit", 1f / 255, 0f);
      case "tf" -> new ArrayScaling("tf", 1f / 127.5f, -1f);
      default ->
          throw GraftException.usage(
              "arrays are scaled with none, unit or tf (not "
                  + mode
                  + "): per-channel scaling needs images");
    };
  }

  /** A scaled copy, or {@code values} itself when nothing changes. */
  public float[] apply(float[] values) {
    if (scale == 1f && shift == 0f) {
      return values;
    }
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[i] * scale + shift;
    }
    return out;
  }

  @Override
  public String toString() {
    return switch (mode) {
      case "unit" -> "unit (x/255)";
      case "tf" -> "tf (x/127.5-1)";
      default -> "none (values as given)";
    };
  }
}
