package dev.graft.converter.keras3;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Embedding: token ids [time] to vectors [time, output_dim], a DL4J EmbeddingSequenceLayer whose
 * output stays time-major (NWC), as every sequence does in graft's mapping. With {@code
 * mask_zero=True} (on the model's input) token 0 is padding: the network masks it (see {@link
 * KerasToDl4j#maskZeroInput}).
 */
final class EmbeddingCodec implements LayerCodec {
  @Override
  public List<String> kerasClasses() {
    return List.of("Embedding");
  }

  @Override
  public List<Class<? extends org.deeplearning4j.nn.conf.layers.Layer>> dl4jLayers() {
    return List.of(EmbeddingSequenceLayer.class);
  }

  @Override
  public void write(
      Dl4jToKeras out,
      org.deeplearning4j.nn.conf.layers.Layer layer,
      java.util.Map<String, INDArray> params,
      String name) {
    out.requireRank(1, name, "Embedding");
    EmbeddingSequenceLayer e = (EmbeddingSequenceLayer) layer;
    if (params.containsKey("b") || e.getOutputFormat() != RNNFormat.NWC) {
      throw dev.graft.GraftException.unsupported(
          "layer '"
              + name
              + "': an embedding with a bias or channels-first output has no Keras layer");
    }
    INDArray w = params.get("W");
    com.fasterxml.jackson.databind.node.ObjectNode c = out.config(name);
    c.put("input_dim", w.size(0));
    c.put("output_dim", w.size(1));
    c.set("embeddings_initializer", KerasConfigs.initializer("RandomUniform"));
    c.putNull("embeddings_regularizer");
    c.putNull("activity_regularizer");
    c.putNull("embeddings_constraint");
    c.put("mask_zero", false);
    Object embeddings = w.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatMatrix();
    out.add("Embedding", c, List.of(embeddings)); // one variable, not one per row
    out.shape(new long[] {out.shape()[0], w.size(1)});
  }

  @Override
  public void read(KerasToDl4j in, String kerasClass, JsonNode c, String name) {
    in.requireRank(1, name, "Embedding");
    if (c.path("mask_zero").asBoolean(false)) {
      in.maskZeroInput(name);
    }
    long steps = in.shape()[0];
    long vocabulary = c.path("input_dim").asLong();
    long dim = c.path("output_dim").asLong();
    List<INDArray> vars = in.vars();
    if (vars.size() != 1) {
      throw in.badInput(name, "has " + vars.size() + " weight arrays, expected 1 (embeddings)");
    }
    in.checkShape(vars.get(0), new long[] {vocabulary, dim}, name);
    in.addLayer(
        new EmbeddingSequenceLayer.Builder()
            .name(name)
            .nIn(vocabulary)
            .nOut(dim)
            .inputLength((int) steps)
            .hasBias(false)
            .outputDataFormat(RNNFormat.NWC)
            .build(),
        l -> l.setParam("W", vars.get(0)));
    in.shape(new long[] {steps, dim});
  }
}
