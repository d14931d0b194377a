package dev.graft.trainer;

/** One epoch of training: mean training loss over its batches, then validation metrics. */
public record EpochStats(String phase, int epoch, double trainLoss, double validLoss, double validAccuracy, long millis) {}
