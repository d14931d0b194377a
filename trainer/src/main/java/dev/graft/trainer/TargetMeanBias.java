package dev.graft.trainer;

import dev.graft.trainer.data.Examples;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A new regression head starts from the targets' mean: its linear output layer's bias is set to the
 * training targets' mean per output (the initialisation Keras users are advised to use, and what a
 * least-squares fit's intercept starts from). Otherwise the head spends its first hundred epochs
 * learning the targets' offset (house values of 1 to 10 from a bias of 0), and a head trained with
 * early stopping can stop long before it fits the shape of the data.
 */
final class TargetMeanBias {
  private TargetMeanBias() {}

  /** Sets the output layer's bias of {@code net} when {@code train} holds regression targets. */
  static void apply(Model net, Examples train) {
    if (!train.regression() || train.size() == 0) {
      return;
    }
    int k = train.outputs();
    float[] mean = new float[k];
    float[] t = train.targets();
    for (int i = 0; i < t.length; i++) {
      mean[i % k] += t[i] / train.size();
    }
    Layer out =
        net instanceof MultiLayerNetwork m
            ? m.getOutputLayer()
            : ((ComputationGraph) net).getOutputLayer(0);
    if (out.getParam("b") != null && out.getParam("b").length() == k) {
      out.setParam("b", Nd4j.create(mean, new long[] {1, k}));
    }
  }
}
