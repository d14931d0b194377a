package dev.graft.trainer;

/**
 * Accuracy and cross-entropy loss (Keras's definition, probabilities clipped to [1e-7, 1-1e-7])
 * over n examples, and the confusion matrix: {@code confusion[true][predicted]} counts, one row and
 * column per class (two for a single sigmoid output); empty when not computed.
 */
public record Metrics(double accuracy, double loss, int n, int[][] confusion) {
  public Metrics(double accuracy, double loss, int n) {
    this(accuracy, loss, n, new int[0][0]);
  }
}
