package dev.graft.cli;

import java.util.Map;

/**
 * The command line's flag for each library parameter an error may name ({@code dropTop} is {@code
 * --drop}): the library's messages name its parameters, graft's report names the flags.
 */
final class Flags {
  static final Map<String, String> OF_PARAMETER =
      Map.ofEntries(
          Map.entry("base", "BASE"),
          Map.entry("data", "--data"),
          Map.entry("dropTop", "--drop"),
          Map.entry("freeze", "--freeze"),
          Map.entry("freezeEpochs", "--freeze-epochs"),
          Map.entry("epochs", "--epochs"),
          Map.entry("head", "--head"),
          Map.entry("cut", "--cut"),
          Map.entry("keepUpper", "--keep-upper"),
          Map.entry("noCache", "--no-cache"),
          Map.entry("out", "--out"),
          Map.entry("output", "--output"),
          Map.entry("batchSize", "--batch-size"),
          Map.entry("valSplit", "--val-split"),
          Map.entry("labelColumn", "--label"),
          Map.entry("preprocess", "--preprocess"),
          Map.entry("resize", "--resize"),
          Map.entry("cacheDir", "--cache-dir"),
          Map.entry("opset", "--opset"),
          Map.entry("positive", "--positive"),
          Map.entry("trainLimit", "--train-limit"),
          Map.entry("regression", "--regression"),
          Map.entry("device", "--device"),
          Map.entry("patience", "--patience"),
          Map.entry("checkpointEvery", "--checkpoint-every"),
          Map.entry("resume", "--resume"),
          Map.entry("reuse", "--reuse"),
          Map.entry("setWeights", "--set-weights"),
          Map.entry("passes", "--mc-dropout"));

  private Flags() {}
}
