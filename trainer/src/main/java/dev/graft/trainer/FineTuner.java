package dev.graft.trainer;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.trainer.data.TaskData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The chapter's reuse recipe on a layer stack or a graph: keep the lower layers of a pretrained
 * network (on a copy: the base is never changed), put a new head on them, train with the reused
 * layers frozen, then unfreeze and train everything with a fresh optimizer.
 */
public final class FineTuner {
  private FineTuner() {}

  public static FineTuneResult fineTune(
      Network base, TaskData data, FineTuneOptions options, TrainingListener listener) {
    Fitter.refuseMasked(base);
    List<String> names =
        base.isSequential()
            ? base.layerNames()
            : GraphSurgery.reusedLayers((ComputationGraph) base.model());
    int keep = base.isSequential() ? names.size() - options.dropTop() : names.size();
    if (!base.isSequential() && options.dropTop() != 1) {
      throw GraftException.parameter(
          "dropTop",
          options.dropTop()
              + ": for a Functional (graph) model only the output layer can be replaced (1)");
    }
    if (keep < 1) {
      throw GraftException.parameter(
          "dropTop",
          options.dropTop()
              + " would drop every layer of "
              + base.label()
              + " (it has "
              + names.size()
              + ")");
    }
    List<String> reused = names.subList(0, keep);
    Set<Integer> frozen =
        options.freeze() == null
            ? allIndices(keep)
            : LayerSelector.of(options.freeze()).select(reused);
    List<DenseSpec> head = CachedFineTuner.headOf(options, data.task());
    int outputs = head.get(head.size() - 1).units();
    if (outputs != data.task().outputs()) {
      throw GraftException.parameter(
          "head",
          "has "
              + outputs
              + " outputs but task "
              + data.task().name()
              + " needs "
              + data.task().outputs());
    }

    Nd4j.getRandom().setSeed(options.seed());
    Random shuffler = new Random(options.seed());
    List<EpochStats> history = new ArrayList<>();
    Set<Integer> phaseOneFrozen = options.freezeEpochs() > 0 ? frozen : Set.of();
    Model net =
        base.isSequential()
            ? NetworkSurgery.withNewHead(
                base.sequential(),
                keep,
                head,
                phaseOneFrozen,
                options.freezeOptimizer().updater(),
                options.seed())
            : GraphSurgery.withNewHead(
                (ComputationGraph) base.model(),
                head,
                namesOf(phaseOneFrozen, reused),
                options.freezeOptimizer().updater(),
                options.seed());
    TargetMeanBias.apply(net, data.train());
    if (options.freezeEpochs() > 0) {
      history.addAll(
          Fitter.fit(
              base,
              net,
              data.train(),
              data.valid(),
              "frozen",
              options.freezeEpochs(),
              options.headPatience(),
              options.batchSize(),
              shuffler,
              listener,
              options.fastPath()));
    }
    if (options.epochs() > 0) {
      net =
          net instanceof MultiLayerNetwork mln
              ? NetworkSurgery.rebuild(mln, Set.of(), options.optimizer().updater(), options.seed())
              : GraphSurgery.rebuild(
                  (ComputationGraph) net, Set.of(), options.optimizer().updater(), options.seed());
      history.addAll(
          Fitter.fit(
              base,
              net,
              data.train(),
              data.valid(),
              "unfrozen",
              options.epochs(),
              options.batchSize(),
              shuffler,
              listener,
              options.fastPath()));
    }
    Network tuned = base.withModel(net);
    List<String> frozenNames = frozen.stream().map(reused::get).toList();
    return new FineTuneResult(
        tuned,
        history,
        frozenNames,
        List.copyOf(reused),
        head,
        Evaluator.evaluate(tuned, data.test()));
  }

  private static Set<String> namesOf(Set<Integer> indices, List<String> names) {
    Set<String> out = new java.util.HashSet<>();
    indices.forEach(i -> out.add(names.get(i)));
    return out;
  }

  private static Set<Integer> allIndices(int n) {
    Set<Integer> all = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }
}
