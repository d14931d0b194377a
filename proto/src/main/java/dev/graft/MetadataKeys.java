package dev.graft;

/**
 * Keys of the metadata graft records in the ONNX files it writes (metadata_props), read back by the
 * runtime: one place, since the writer (converter) and the reader (runtime) share no module but
 * this one.
 */
public final class MetadataKeys {
  /** The output classes' names, one per line, in output order. */
  public static final String CLASS_NAMES = "graft.class_names";

  /** How images become the model's input: "resize+scale", e.g. "crop+tf" (graft-data). */
  public static final String PREPROCESSING = "graft.preprocessing";

  private MetadataKeys() {}
}
