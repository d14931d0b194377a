package dev.graft.trainer;

/**
 * Accuracy and cross-entropy loss (Keras's definition, probabilities clipped to [1e-7, 1-1e-7])
 * over n examples, and the confusion matrix: {@code confusion[true][predicted]} counts, one row and
 * column per class (two for a single sigmoid output); empty when not computed. For regression
 * targets: the loss is the mean squared error, {@code mae} the mean absolute error (both over every
 * output of every example, as Keras's metrics), and accuracy is NaN; {@code mae} is NaN for
 * classes.
 */
public record Metrics(double accuracy, double loss, int n, int[][] confusion, double mae) {
  public Metrics(double accuracy, double loss, int n, int[][] confusion) {
    this(accuracy, loss, n, confusion, Double.NaN);
  }

  public Metrics(double accuracy, double loss, int n) {
    this(accuracy, loss, n, new int[0][0]);
  }

  /** Mean squared and absolute errors of regression targets. */
  public static Metrics regression(double mse, double mae, int n) {
    return new Metrics(Double.NaN, mse, n, new int[0][0], mae);
  }

  public boolean regression() {
    return !Double.isNaN(mae);
  }
}
