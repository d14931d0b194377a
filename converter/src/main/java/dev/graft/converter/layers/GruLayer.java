package dev.graft.converter.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A GRU layer that runs and trains: Keras's equations (keras.layers.GRU), forward step by step and
 * backpropagation through time written out from them.
 *
 * <pre>
 *   z = σ(x Wz + bz + h Uz + rbz)      r = σ(x Wr + br + h Ur + rbr)
 *   reset_after:  ĥ = tanh(x Wh + bh + r ∘ (h Uh + rbh))
 *   reset_before: ĥ = tanh(x Wh + bh + (r ∘ h) Uh)
 *   h' = z ∘ h + (1 - z) ∘ ĥ
 * </pre>
 *
 * With a mask (padding steps of a sequence, [batch, time]) a masked step leaves the state as it was
 * and outputs zeros, as Keras's GRU does.
 */
public final class GruLayer extends BaseRecurrentLayer<Gru> {
  private static final String STATE = "h";

  GruLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /** One time step's values that backpropagation needs. */
  private record Step(
      INDArray x,
      INDArray hPrev,
      INDArray aZ,
      INDArray aR,
      INDArray aH,
      INDArray z,
      INDArray r,
      INDArray candidate,
      INDArray recurrentH,
      INDArray mask) {}

  private record Run(INDArray output, INDArray last, List<Step> steps) {}

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    return run(null, training, false, workspaceMgr).output();
  }

  @Override
  public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
    setInput(input, workspaceMgr);
    Run run = run(stateMap.get(STATE), false, false, workspaceMgr);
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      stateMap.put(STATE, run.last().dup());
    }
    return run.output();
  }

  @Override
  public INDArray rnnActivateUsingStoredState(
      INDArray input, boolean training, boolean storeLastForTBPTT, LayerWorkspaceMgr workspaceMgr) {
    setInput(input, workspaceMgr);
    Run run = run(tBpttStateMap.get(STATE), training, false, workspaceMgr);
    if (storeLastForTBPTT) {
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        tBpttStateMap.put(STATE, run.last().dup());
      }
    }
    return run.output();
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    return tbpttBackpropGradient(epsilon, -1, workspaceMgr);
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  private boolean nwc() {
    return layerConf().getRnnDataFormat() == RNNFormat.NWC;
  }

  /** Step t of a sequence [batch, time, features] (NWC) or [batch, features, time] (NCW). */
  private INDArray at(INDArray sequence, long t) {
    return nwc() ? sequence.get(all(), point(t), all()) : sequence.get(all(), all(), point(t));
  }

  private static INDArray gate(INDArray a, int k, long units) {
    return a.get(all(), interval(k * units, (k + 1) * units));
  }

  private Run run(
      INDArray initial, boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    if (input.rank() != 3) {
      throw new IllegalStateException(
          "GRU layer '"
              + layerConf().getLayerName()
              + "' expects a sequence [batch, time, features], got rank "
              + input.rank());
    }
    applyDropOutIfNecessary(training, workspaceMgr);
    Gru conf = layerConf();
    boolean resetAfter = conf.isResetAfter();
    long batch = input.size(0);
    long steps = input.size(nwc() ? 1 : 2);
    long units = conf.getNOut();
    INDArray w = getParamWithNoise(GruParams.W, training, workspaceMgr);
    INDArray rw = getParamWithNoise(GruParams.RW, training, workspaceMgr);
    INDArray b = getParamWithNoise(GruParams.B, training, workspaceMgr);
    INDArray rb = resetAfter ? getParamWithNoise(GruParams.RB, training, workspaceMgr) : null;
    INDArray rwZr = rw.get(all(), interval(0, 2 * units));
    INDArray rwH = rw.get(all(), interval(2 * units, 3 * units));
    IActivation gateFn = conf.getGateActivationFn();
    IActivation candidateFn = conf.getActivationFn();
    long[] shape = nwc() ? new long[] {batch, steps, units} : new long[] {batch, units, steps};
    INDArray output = workspaceMgr.create(ArrayType.ACTIVATIONS, input.dataType(), shape);
    INDArray h = initial == null ? Nd4j.zeros(input.dataType(), batch, units) : initial;
    List<Step> kept = forBackprop ? new ArrayList<>() : null;
    for (long t = 0; t < steps; t++) {
      INDArray x = at(input, t);
      INDArray xw = x.mmul(w).addiRowVector(b);
      INDArray recurrent = resetAfter ? h.mmul(rw).addiRowVector(rb) : h.mmul(rwZr);
      INDArray aZ = gate(xw, 0, units).add(gate(recurrent, 0, units));
      INDArray aR = gate(xw, 1, units).add(gate(recurrent, 1, units));
      INDArray z = gateFn.getActivation(aZ.dup(), training);
      INDArray r = gateFn.getActivation(aR.dup(), training);
      // reset_after: r multiplies (h Uh + rbh); reset_before: r multiplies h before Uh.
      INDArray recurrentH = resetAfter ? gate(recurrent, 2, units) : r.mul(h);
      INDArray aH =
          resetAfter
              ? gate(xw, 2, units).add(r.mul(recurrentH))
              : gate(xw, 2, units).add(recurrentH.mmul(rwH));
      INDArray candidate = candidateFn.getActivation(aH.dup(), training);
      INDArray next = candidate.add(z.mul(h.sub(candidate)));
      INDArray m = maskArray == null ? null : maskArray.getColumn(t, true).castTo(next.dataType());
      if (forBackprop) {
        kept.add(new Step(x, h, aZ, aR, aH, z, r, candidate, recurrentH, m));
      }
      if (m == null) {
        at(output, t).assign(next);
        h = next;
      } else {
        at(output, t).assign(next.mulColumnVector(m));
        h = next.mulColumnVector(m).addi(h.mulColumnVector(m.rsub(1.0)));
      }
    }
    return new Run(output, h, kept);
  }

  @Override
  public Pair<Gradient, INDArray> tbpttBackpropGradient(
      INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    Gru conf = layerConf();
    boolean resetAfter = conf.isResetAfter();
    long units = conf.getNOut();
    Run run = run(null, true, true, workspaceMgr);
    INDArray w = getParamWithNoise(GruParams.W, true, workspaceMgr);
    INDArray rw = getParamWithNoise(GruParams.RW, true, workspaceMgr);
    INDArray rwZr = rw.get(all(), interval(0, 2 * units));
    INDArray rwH = rw.get(all(), interval(2 * units, 3 * units));
    gradientsFlattened.assign(0);
    INDArray dW = gradientViews.get(GruParams.W);
    INDArray dRw = gradientViews.get(GruParams.RW);
    INDArray dRwZr = dRw.get(all(), interval(0, 2 * units));
    INDArray dRwH = dRw.get(all(), interval(2 * units, 3 * units));
    INDArray dB = gradientViews.get(GruParams.B);
    INDArray dRb = resetAfter ? gradientViews.get(GruParams.RB) : null;
    IActivation gateFn = conf.getGateActivationFn();
    IActivation candidateFn = conf.getActivationFn();
    INDArray epsOut =
        workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
    int steps = run.steps().size();
    int end = tbpttBackLength > 0 ? Math.max(0, steps - tbpttBackLength) : 0;
    INDArray dhNext = null;
    for (int t = steps - 1; t >= end; t--) {
      Step s = run.steps().get(t);
      INDArray dh = at(epsilon, t).dup();
      if (dhNext != null) {
        dh.addi(dhNext);
      }
      INDArray carried = null;
      if (s.mask() != null) {
        // h_t = m h' + (1 - m) h_{t-1}, output m h': a masked step hands its gradient straight on
        dh.muliColumnVector(s.mask());
        carried = dhNext == null ? null : dhNext.mulColumnVector(s.mask().rsub(1.0));
      }
      // h' = z h + (1 - z) ĥ
      INDArray dz = dh.mul(s.hPrev().sub(s.candidate()));
      INDArray dCandidate = dh.mul(s.z().rsub(1.0));
      INDArray dhPrev = dh.mul(s.z());
      INDArray daH = candidateFn.backprop(s.aH().dup(), dCandidate).getFirst();
      INDArray dr;
      INDArray dRecurrentH = null;
      if (resetAfter) {
        dr = daH.mul(s.recurrentH());
        dRecurrentH = daH.mul(s.r());
      } else {
        INDArray dResetH = daH.mmul(rwH.transpose());
        dr = dResetH.mul(s.hPrev());
        dhPrev.addi(dResetH.mul(s.r()));
        dRwH.addi(s.recurrentH().transpose().mmul(daH));
      }
      INDArray daZ = gateFn.backprop(s.aZ().dup(), dz).getFirst();
      INDArray daR = gateFn.backprop(s.aR().dup(), dr).getFirst();
      INDArray dXw = Nd4j.hstack(daZ, daR, daH);
      dW.addi(s.x().transpose().mmul(dXw));
      dB.addi(dXw.sum(true, 0));
      at(epsOut, t).assign(dXw.mmul(w.transpose()));
      if (resetAfter) {
        INDArray dRec = Nd4j.hstack(daZ, daR, dRecurrentH);
        dRw.addi(s.hPrev().transpose().mmul(dRec));
        dRb.addi(dRec.sum(true, 0));
        dhPrev.addi(dRec.mmul(rw.transpose()));
      } else {
        INDArray dRec = Nd4j.hstack(daZ, daR);
        dRwZr.addi(s.hPrev().transpose().mmul(dRec));
        dhPrev.addi(dRec.mmul(rwZr.transpose()));
      }
      if (carried != null) {
        dhPrev.addi(carried);
      }
      dhNext = dhPrev;
    }
    weightNoiseParams.clear();
    Gradient g = new DefaultGradient(gradientsFlattened);
    for (String key : GruParams.INSTANCE.paramKeys(conf)) {
      g.gradientForVariable().put(key, gradientViews.get(key));
    }
    return new Pair<>(g, backpropDropOutIfPresent(epsOut));
  }
}
