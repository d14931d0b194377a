package dev.graft.trainer;

/**
 * Accuracy and cross-entropy loss (Keras's definition, probabilities clipped to [1e-7, 1-1e-7])
 * over n examples.
 */
public record Metrics(double accuracy, double loss, int n) {}
