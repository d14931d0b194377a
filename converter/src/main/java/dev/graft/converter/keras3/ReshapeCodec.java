package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.converter.KerasReshapePreProcessor;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;

/**
 * Reshape to a vector, a sequence (time, features) or (height, width, channels), with at most one
 * -1 inferred: a DL4J preprocessor of the next layer.
 */
final class ReshapeCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Reshape");
  }

  @Override
  public List<Class<? extends InputPreProcessor>> dl4jPreprocessors() {
    return List.of(KerasReshapePreProcessor.class, FeedForwardToCnnPreProcessor.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    long[] shape = in.shape();
    JsonNode t = c.path("target_shape");
    long size = Dl4jToKeras.product(shape);
    long[] target = new long[t.size()];
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      target[i] = t.get(i).asLong(0);
      if (target[i] == -1 && unknown < 0) {
        unknown = i;
      } else if (target[i] < 1) {
        throw in.badInput(name, "target shape " + t);
      } else {
        known *= target[i];
      }
    }
    if (unknown >= 0 && known > 0 && size % known == 0) {
      target[unknown] = size / known;
      known = size;
    }
    if (!t.isArray() || known != size) {
      throw in.badInput(name, "cannot reshape " + Arrays.toString(shape) + " to " + t);
    }
    // a sequence [time, features] is time-major (NWC) in graft's mapping: a row-major reshape
    if (target.length < 1 || target.length > 3) {
      throw in.unsupported(
          name,
          "Reshape to "
              + t
              + " (only to a vector, a sequence of time and features, or height, width, channels)");
    }
    if (!Arrays.equals(target, shape)) {
      in.preprocess(new KerasReshapePreProcessor(shape, target));
    }
    in.shape(target);
  }

  @Override
  public void writePreprocessor(Dl4jToKeras out, InputPreProcessor pp, String layer) {
    long[] target;
    if (pp instanceof KerasReshapePreProcessor r
        && r.targetShape().length == 1
        && !out.channelsFirst()) {
      // a row-major reshape to one axis is Keras's Flatten (how Flatten of [28, 28] imports)
      new FlattenCodec().writePreprocessor(out, pp, layer);
      return;
    }
    if (pp instanceof KerasReshapePreProcessor r && !out.channelsFirst()) {
      target = r.targetShape();
    } else if (pp instanceof FeedForwardToCnnPreProcessor f && f.getNumChannels() == 1) {
      // A flat vector to [1, h, w]: the same values as Keras's Reshape to (h, w, 1).
      target = new long[] {f.getInputHeight(), f.getInputWidth(), 1};
      out.channelsFirst(true);
    } else {
      throw GraftException.unsupported(
          "layer '"
              + layer
              + "': input preprocessor "
              + pp.getClass().getSimpleName()
              + " cannot be written as .keras here (Keras reshapes of channels-last tensors and"
              + " FeedForwardToCnn with one channel can)");
    }
    ObjectNode c = out.config(layer + "_reshape");
    var shape = KerasConfigs.JSON.createArrayNode();
    for (long d : target) {
      shape.add(d);
    }
    c.set("target_shape", shape);
    out.add("Reshape", c, List.of());
    out.shape(target);
  }
}
