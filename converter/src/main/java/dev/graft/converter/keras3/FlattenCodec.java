package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor;
import org.deeplearning4j.preprocessors.KerasFlattenRnnPreprocessor;

/**
 * Flatten: a DL4J preprocessor of the next layer, flattening in Keras's row-major, channels-last
 * order. Written back from DL4J's flatten preprocessors; after a channels-first one, the next
 * Dense's kernel rows are reordered instead.
 */
final class FlattenCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Flatten");
  }

  @Override
  public List<Class<? extends InputPreProcessor>> dl4jPreprocessors() {
    return List.of(
        CnnToFeedForwardPreProcessor.class,
        TensorFlowCnnToFeedForwardPreProcessor.class,
        KerasFlattenRnnPreprocessor.class,
        org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor.class);
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode config, String name) {
    long[] shape = in.shape();
    if (shape.length == 2) {
      // Sequences are kept time-major (NWC), as Keras keeps them: a row-major reshape.
      in.preprocess(
          new dev.graft.converter.KerasReshapePreProcessor(
              shape, new long[] {Dl4jToKeras.product(shape)}));
    } else if (shape.length == 3) {
      in.preprocess(
          new CnnToFeedForwardPreProcessor(shape[0], shape[1], shape[2], CNN2DFormat.NHWC));
    }
    in.shape(new long[] {Dl4jToKeras.product(shape)});
  }

  @Override
  public void writePreprocessor(Dl4jToKeras out, InputPreProcessor pp, String layer) {
    // TensorFlow's and the RNN flatten already flatten in Keras's order.
    boolean channelsFirstOrder =
        pp instanceof CnnToFeedForwardPreProcessor c && c.getFormat() == CNN2DFormat.NCHW;
    long[] shape = out.shape();
    if (shape.length == 1) {
      return;
    }
    if (pp instanceof org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor) {
      // DL4J's per-step rows: a dense layer applied at every time step, not a flatten
      throw dev.graft.GraftException.unsupported(
          "layer '"
              + layer
              + "': a layer applied at every step of a sequence cannot be written as .keras");
    }
    ObjectNode c = out.config(layer + "_flatten");
    c.put("data_format", "channels_last");
    out.add("Flatten", c, List.of());
    out.rowOrder(channelsFirstOrder && shape.length == 3 && shape[2] > 1 ? shape : null);
    out.shape(new long[] {Dl4jToKeras.product(shape)});
  }
}
