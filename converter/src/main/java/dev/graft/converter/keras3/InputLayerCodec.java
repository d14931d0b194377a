package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** InputLayer: only declares the input's shape, which the importer has already read. */
final class InputLayerCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("InputLayer");
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode config, String name) {}
}
