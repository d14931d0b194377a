package dev.graft.trainer.spec;

/**
 * One Dense layer of a network spec (repeated {@code repeat} times), in Keras's terms.
 *
 * @param activation relu, leaky_relu, prelu, rrelu, elu, selu, sigmoid, tanh, softmax or linear
 * @param alpha leaky ReLU's slope (Keras 0.3) or ELU's alpha (1.0); null for the default
 * @param initializer glorot_uniform (Keras's default), glorot_normal, he_uniform, he_normal,
 *     lecun_uniform or lecun_normal
 * @param batchNorm "none", "before" (Dense without activation, then BN, then the activation) or
 *     "after" the activation
 * @param useBias null: false when batch norm comes before the activation (it has its own offset),
 *     else true
 * @param dropout rate of Dropout after the layer (0: none)
 * @param alphaDropout rate of AlphaDropout after the layer (0: none), for SELU networks
 * @param maxNorm max-norm constraint on each unit's incoming weights (null: none)
 * @param l1 L1 penalty on the kernel, as Keras's l1(x) (null: the spec's default)
 * @param l2 L2 penalty on the kernel, as Keras's l2(x) (null: the spec's default)
 */
public record LayerSpec(
    int units,
    String activation,
    Double alpha,
    String initializer,
    String batchNorm,
    Boolean useBias,
    double dropout,
    double alphaDropout,
    Double maxNorm,
    Double l1,
    Double l2,
    int repeat) {

  public static LayerSpec dense(int units, String activation) {
    return new LayerSpec(
        units, activation, null, "glorot_uniform", "none", null, 0, 0, null, null, null, 1);
  }

  public LayerSpec alpha(double value) {
    return new LayerSpec(
        units,
        activation,
        value,
        initializer,
        batchNorm,
        useBias,
        dropout,
        alphaDropout,
        maxNorm,
        l1,
        l2,
        repeat);
  }

  public LayerSpec initializer(String name) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        name,
        batchNorm,
        useBias,
        dropout,
        alphaDropout,
        maxNorm,
        l1,
        l2,
        repeat);
  }

  public LayerSpec batchNorm(String where) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        where,
        useBias,
        dropout,
        alphaDropout,
        maxNorm,
        l1,
        l2,
        repeat);
  }

  public LayerSpec useBias(boolean value) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        value,
        dropout,
        alphaDropout,
        maxNorm,
        l1,
        l2,
        repeat);
  }

  public LayerSpec dropout(double rate) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        useBias,
        rate,
        alphaDropout,
        maxNorm,
        l1,
        l2,
        repeat);
  }

  public LayerSpec alphaDropout(double rate) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        useBias,
        dropout,
        rate,
        maxNorm,
        l1,
        l2,
        repeat);
  }

  public LayerSpec maxNorm(double value) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        useBias,
        dropout,
        alphaDropout,
        value,
        l1,
        l2,
        repeat);
  }

  public LayerSpec l1(double value) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        useBias,
        dropout,
        alphaDropout,
        maxNorm,
        value,
        l2,
        repeat);
  }

  public LayerSpec l2(double value) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        useBias,
        dropout,
        alphaDropout,
        maxNorm,
        l1,
        value,
        repeat);
  }

  public LayerSpec repeat(int times) {
    return new LayerSpec(
        units,
        activation,
        alpha,
        initializer,
        batchNorm,
        useBias,
        dropout,
        alphaDropout,
        maxNorm,
        l1,
        l2,
        times);
  }

  /** Whether the Dense layer has a bias: as given, else not when batch norm follows it directly. */
  public boolean bias() {
    return useBias != null ? useBias : !"before".equals(batchNorm);
  }
}
