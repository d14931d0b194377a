package dev.graft.trainer.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SELUDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer, made cheaper to train: DL4J 1.0.0-M2.1's backprop computes the layer's
 * pre-activation {@code x W + b} again although the forward pass just did (about a quarter of a
 * dense network's matrix work per step); this layer keeps a copy from the training forward pass and
 * backpropagates from that. Its matrix products go straight to BLAS ({@link Gemm}) and SELU's
 * derivative through a plain ND4J transform. Every result is bit-identical to DL4J's layer
 * (OnePassDenseLayerTest trains both). The configuration stays DL4J's DenseLayer: saved models do
 * not change. Layer norm, masks and weight noise take DL4J's own path.
 */
final class OnePassDenseLayer extends DenseLayer {
  private INDArray preActivation;
  private INDArray preActivationInput;
  private String preActivationWorkspace;

  /** Backward passes that used the kept pre-activation (tests check the fast path ran). */
  int onePassSteps;

  /**
   * Set on the network's first layer: fit discards the gradient with respect to the network's
   * input.
   */
  private boolean inputGradientUnused;

  private OnePassDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /**
   * Puts this layer in place of each plain DL4J dense layer of the network (frozen ones stay as
   * they are), sharing the original's parameters and gradient views, until the returned handle is
   * closed. Meant around {@code fit} calls only: the first layer then skips the gradient with
   * respect to the network's input, which {@code fit} throws away (for model A that product is as
   * large as the first layer's forward one).
   */
  static Installed installIn(MultiLayerNetwork net) {
    Layer[] layers = net.getLayers(); // the network's own array
    Layer[] originals = layers.clone();
    boolean changed = false;
    for (int i = 0; i < layers.length; i++) {
      if (layers[i].getClass() == DenseLayer.class) {
        Layer old = layers[i];
        OnePassDenseLayer layer = new OnePassDenseLayer(old.conf(), old.params().dataType());
        layer.setListeners(old.getListeners());
        layer.setIndex(old.getIndex());
        layer.setParamsViewArray(old.params());
        layer.setParamTable(old.paramTable());
        layer.setConf(old.conf());
        layer.inputGradientUnused = i == 0;
        layers[i] = layer;
        changed = true;
      }
    }
    shareGradientViews(net, changed);
    return new Installed(net, originals, changed);
  }

  /** Gives the layers now in the network the network's gradient views, if it has made them yet. */
  private static void shareGradientViews(MultiLayerNetwork net, boolean changed) {
    if (changed && net.getGradientsViewArray() != null) {
      net.setBackpropGradientsViewArray(net.getGradientsViewArray());
    }
  }

  /** Puts DL4J's own layers back when closed. */
  record Installed(MultiLayerNetwork net, Layer[] originals, boolean changed)
      implements FastPath.Handle {
    @Override
    public void close() {
      System.arraycopy(originals, 0, net.getLayers(), 0, originals.length);
      shareGradientViews(net, changed);
    }
  }

  private boolean plain() {
    return !hasLayerNorm() && maskArray == null && layerConf().getWeightNoise() == null;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    preActivation = null;
    if (!training || !plain()) {
      return super.activate(training, workspaceMgr);
    }
    INDArray z = preOutput(true, workspaceMgr);
    preActivation = workspaceMgr.dup(ArrayType.ACTIVATIONS, z); // the activation below overwrites z
    preActivationInput = input;
    preActivationWorkspace =
        workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS)
            ? null
            : workspaceMgr.getWorkspaceName(ArrayType.ACTIVATIONS);
    return layerConf().getActivationFn().getActivation(z, true);
  }

  /**
   * BaseLayer.preOutputWithPreNorm of DL4J 1.0.0-M2.1 for a plain layer, with the product through
   * {@link Gemm}, computed column-major and copied to a row-major result as DL4J does (in the
   * workspace, where DL4J allocates its temporary outside): the next products then see the same
   * layouts as under DL4J, which their bits depend on.
   */
  @Override
  protected Pair<INDArray, INDArray> preOutputWithPreNorm(
      boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
    INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
    if (!plain() || input == null || input.rank() != 2 || input.columns() != w.rows()) {
      return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr); // and its errors
    }
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray in = input.castTo(dataType);
    long[] shape = {in.size(0), w.size(1)};
    INDArray product =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), shape, 'f');
    Gemm.multiply(in, false, w, false, product);
    INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), shape, 'c');
    if (hasBias()) { // the copy to row-major and the bias in one op
      Nd4j.getExecutioner()
          .exec(new BroadcastAddOp(product, getParam(DefaultParamInitializer.BIAS_KEY), z, 1));
    } else {
      z.assign(product);
    }
    return new Pair<>(z, z);
  }

  /** Whether the kept pre-activation belongs to the current input and its memory is still live. */
  private boolean kept() {
    return preActivation != null
        && preActivationInput == input
        && plain()
        && (preActivationWorkspace == null
            || Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(preActivationWorkspace));
  }

  /**
   * dL/dz from z and dL/da, in place in z. DL4J's SELU backprop (the selu_bp op) calls a
   * std::function per element; ND4J's plain SELU-derivative transform and a product compute the
   * same formula, x > 0 ? lambda : lambda alpha e^x, times epsilon, bit for bit, faster (in JFR
   * profiles of model A, selu_bp took 16% of an epoch, the two ops 11%).
   */
  private INDArray activationBackprop(INDArray z, INDArray epsilon) {
    if (layerConf().getActivationFn().getClass() == ActivationSELU.class) {
      return seluBackprop(z, epsilon);
    }
    return layerConf().getActivationFn().backprop(z, epsilon).getFirst();
  }

  static INDArray seluBackprop(INDArray z, INDArray epsilon) {
    Nd4j.getExecutioner().exec(new SELUDerivative(z, z));
    return z.muli(epsilon);
  }

  /**
   * BaseLayer.backpropGradient of DL4J 1.0.0-M2.1, with the kept pre-activation and without layer
   * norm.
   */
  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    if (!kept()) {
      preActivation = null;
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    assertInputSet(true);
    INDArray delta = activationBackprop(preActivation, epsilon);
    preActivation = null;
    preActivationInput = null;
    onePassSteps++;
    Gradient ret = new DefaultGradient();
    if (hasBias()) {
      INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
      delta.sum(biasGrad, 0);
      ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
    }
    INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
    INDArray epsilonNext;
    if (inputGradientUnused) { // zeros of the right shape: an input preprocessor may still reshape
      // them
      epsilonNext =
          workspaceMgr.create(
              ArrayType.ACTIVATION_GRAD,
              delta.dataType(),
              new long[] {delta.size(0), w.size(0)},
              'f');
    } else {
      epsilonNext =
          workspaceMgr.createUninitialized(
              ArrayType.ACTIVATION_GRAD,
              delta.dataType(),
              new long[] {w.size(0), delta.size(0)},
              'f');
      Gemm.multiply(w, false, delta, true, epsilonNext);
      epsilonNext = epsilonNext.transpose();
    }
    INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
    Gemm.multiply(input.castTo(weightGrad.dataType()), true, delta, false, weightGrad);
    ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
    weightNoiseParams.clear();
    return new Pair<>(ret, backpropDropOutIfPresent(epsilonNext));
  }
}
