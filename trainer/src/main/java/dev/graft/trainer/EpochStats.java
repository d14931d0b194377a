package dev.graft.trainer;

/**
 * One epoch of training: mean training loss over its batches, validation metrics, and the training
 * time (validation excluded).
 */
public record EpochStats(
    String phase,
    int epoch,
    double trainLoss,
    double validLoss,
    double validAccuracy,
    long millis) {}
