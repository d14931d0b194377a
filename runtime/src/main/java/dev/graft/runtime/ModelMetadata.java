package dev.graft.runtime;

import dev.graft.onnx.ModelProto;
import dev.graft.onnx.StringStringEntryProto;

/** ONNX {@code metadata_props}: what graft records in the models it writes (class names, ...). */
public final class ModelMetadata {
  private ModelMetadata() {}

  /** The model with {@code key} set to {@code value} (replacing the one it had). */
  public static ModelProto with(ModelProto model, String key, String value) {
    ModelProto.Builder b = model.toBuilder().clearMetadataProps();
    model.getMetadataPropsList().stream()
        .filter(p -> !p.getKey().equals(key))
        .forEach(b::addMetadataProps);
    b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    return b.build();
  }
}
