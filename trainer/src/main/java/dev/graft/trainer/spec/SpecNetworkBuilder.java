package dev.graft.trainer.spec;

import dev.graft.converter.ModelFormat;
import dev.graft.converter.Network;
import dev.graft.trainer.DenseSpec;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A {@link NetworkSpec} as a DL4J layer stack on the flattened input. Keras's semantics are kept
 * where DL4J's differ: L2 is Keras's {@code l2 * sum(w^2)} (DL4J's coefficient is applied to {@code
 * sum(w^2) / 2}, so it gets twice the value), max-norm bounds each unit's incoming weights, dropout
 * takes Keras's rate (DL4J's its keep probability).
 */
public final class SpecNetworkBuilder {
  private SpecNetworkBuilder() {}

  /**
   * @param outputs units of the output layer when the spec has none (1 for a binary task)
   * @param epochs and {@code batchesPerEpoch}: for schedules that span the run (1cycle)
   */
  public static Network build(NetworkSpec spec, int outputs, int epochs, int batchesPerEpoch) {
    double lr0 = spec.optimizer().rate();
    ISchedule schedule =
        spec.schedule() == null ? null : spec.schedule().schedule(lr0, epochs, batchesPerEpoch);
    NeuralNetConfiguration.Builder global =
        new NeuralNetConfiguration.Builder()
            .seed(spec.seed())
            .dataType(DataType.FLOAT)
            .updater(spec.optimizer().updater(schedule));
    if (spec.clipValue() != null) {
      global
          .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
          .gradientNormalizationThreshold(spec.clipValue());
    } else if (spec.clipNorm() != null) {
      global
          .gradientNormalization(GradientNormalization.ClipL2PerParamType)
          .gradientNormalizationThreshold(spec.clipNorm());
    }
    NeuralNetConfiguration.ListBuilder list = global.list();
    int index = 0;
    long nIn = spec.inputSize();
    if (spec.inputBatchNorm()) {
      list.layer(
          index++,
          new BatchNormalization.Builder()
              .name("input_bn")
              .nIn(nIn)
              .nOut(nIn)
              .eps(1e-3)
              .decay(0.99)
              .build());
    }
    if (spec.inputDropout() > 0) {
      list.layer(
          index++,
          new DropoutLayer.Builder()
              .name("input_dropout")
              .dropOut(new Dropout(1 - spec.inputDropout()))
              .build());
    }
    int n = 0;
    for (LayerSpec l : spec.layers()) {
      for (int r = 0; r < l.repeat(); r++) {
        String name = "dense" + (n == 0 ? "" : "_" + n);
        n++;
        boolean bnBefore = l.batchNorm().equals("before");
        boolean separateActivation = bnBefore || l.activation().equals("prelu");
        DenseLayer.Builder dense =
            new DenseLayer.Builder()
                .name(name)
                .nIn(nIn)
                .nOut(l.units())
                .hasBias(l.bias())
                .weightInit(init(l.initializer()))
                .activation(separateActivation ? new ActivationIdentity() : activation(l))
                .l1(l.l1() != null ? l.l1() : spec.l1())
                .l2(2 * (l.l2() != null ? l.l2() : spec.l2()));
        if (l.maxNorm() != null) {
          dense.constrainWeights(new MaxNormConstraint(l.maxNorm(), 0));
        }
        list.layer(index++, dense.build());
        if (bnBefore) {
          list.layer(
              index++,
              new BatchNormalization.Builder()
                  .name(name + "_bn")
                  .nIn(l.units())
                  .nOut(l.units())
                  .eps(1e-3)
                  .decay(0.99)
                  .build());
        }
        if (l.activation().equals("prelu")) {
          list.layer(
              index++,
              new PReLULayer.Builder().name(name + "_prelu").inputShape(l.units()).build());
        } else if (bnBefore) {
          list.layer(
              index++,
              new ActivationLayer.Builder()
                  .name(name + "_" + l.activation())
                  .activation(activation(l))
                  .build());
        }
        if (l.batchNorm().equals("after")) {
          list.layer(
              index++,
              new BatchNormalization.Builder()
                  .name(name + "_bn")
                  .nIn(l.units())
                  .nOut(l.units())
                  .eps(1e-3)
                  .decay(0.99)
                  .build());
        }
        if (l.dropout() > 0) {
          list.layer(
              index++,
              new DropoutLayer.Builder()
                  .name(name + "_dropout")
                  .dropOut(new Dropout(1 - l.dropout()))
                  .build());
        } else if (l.alphaDropout() > 0) {
          list.layer(
              index++,
              new DropoutLayer.Builder()
                  .name(name + "_alpha_dropout")
                  .dropOut(new AlphaDropout(1 - l.alphaDropout()))
                  .build());
        }
        nIn = l.units();
      }
    }
    LayerSpec out =
        spec.output() != null
            ? spec.output()
            : LayerSpec.dense(outputs, outputs == 1 ? "sigmoid" : "softmax");
    list.layer(
        index,
        new OutputLayer.Builder(DenseSpec.lossFor(out.activation()))
            .name("output")
            .nIn(nIn)
            .nOut(out.units())
            .activation(activation(out))
            .weightInit(init(out.initializer()))
            .build());
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    return new Network(
        net, spec.name(), null, ModelFormat.DL4J_ZIP, "", new long[] {spec.inputSize()}, "graft");
  }

  static IActivation activation(LayerSpec l) {
    return switch (l.activation()) {
      case "relu" -> new ActivationReLU();
      case "leaky_relu" -> new ActivationLReLU(l.alpha() != null ? l.alpha() : 0.2);
      case "rrelu" -> new ActivationRReLU();
      case "elu" -> new ActivationELU(l.alpha() != null ? l.alpha() : 1.0);
      case "selu" -> new ActivationSELU();
      case "sigmoid" -> new ActivationSigmoid();
      case "tanh" -> new ActivationTanH();
      case "softmax" -> new ActivationSoftmax();
      default -> new ActivationIdentity();
    };
  }

  /** Keras's initializer names as DL4J's (Glorot is Xavier; He is DL4J's RELU family). */
  static WeightInit init(String name) {
    return switch (name) {
      case "glorot_normal" -> WeightInit.XAVIER;
      case "he_uniform" -> WeightInit.RELU_UNIFORM;
      case "he_normal" -> WeightInit.RELU;
      case "lecun_uniform" -> WeightInit.LECUN_UNIFORM;
      case "lecun_normal" -> WeightInit.LECUN_NORMAL;
      default -> WeightInit.XAVIER_UNIFORM;
    };
  }
}
