package dev.graft.trainer;

import dev.graft.converter.Network;
import java.util.List;

/** A fine-tuned network, its per-epoch history, the frozen layers' names and test metrics. */
public record FineTuneResult(
    Network network,
    List<EpochStats> history,
    List<String> frozenLayers,
    List<String> reusedLayers,
    List<DenseSpec> head,
    Metrics test) {}
