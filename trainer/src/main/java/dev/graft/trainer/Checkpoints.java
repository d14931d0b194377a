package dev.graft.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.GraftException;
import dev.graft.converter.dl4j.Dl4jZip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A training run's checkpoints in one folder: {@code epoch-NNNN.zip} (the network with its
 * optimizer state, DL4J's format) and then {@code epoch-NNNN.json} (the loop's own state: history,
 * best epoch, learning rate, patience counters). Each file is written atomically and the JSON last,
 * so a checkpoint counts only once both are complete; a run killed at any point resumes from the
 * newest complete one. The best weights so far are kept as {@code best-NNNN.zip}.
 */
final class Checkpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the loop needs to continue exactly where it stopped. */
  record State(
      int epoch,
      int bestEpoch,
      double bestLoss,
      double learningRate,
      int sinceBest,
      int sinceLrImproved,
      double lrBestLoss,
      List<EpochStats> history,
      List<Double> rates) {}

  private final Path dir;

  Checkpoints(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw GraftException.usage(dir + ": cannot create the checkpoint folder: " + e.getMessage());
    }
    AtomicWrite.removeAbandoned(dir);
  }

  void save(MultiLayerNetwork net, State state) {
    Path zip = dir.resolve(String.format("epoch-%04d.zip", state.epoch()));
    AtomicWrite.write(zip, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
    AtomicWrite.writeString(
        dir.resolve(String.format("epoch-%04d.json", state.epoch())), toJson(state));
    prune("epoch-", state.epoch());
  }

  void saveBest(MultiLayerNetwork net, int epoch) {
    AtomicWrite.write(
        dir.resolve(String.format("best-%04d.zip", epoch)),
        tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
    prune("best-", epoch);
  }

  /** The newest complete checkpoint, or null when there is none. */
  Loaded latest() {
    List<Integer> epochs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("epoch-\\d{4}\\.json"))
          .forEach(n -> epochs.add(Integer.parseInt(n.substring(6, 10))));
    } catch (IOException e) {
      throw GraftException.usage(dir + ": cannot list checkpoints: " + e.getMessage());
    }
    epochs.sort(null);
    for (int i = epochs.size() - 1; i >= 0; i--) {
      int epoch = epochs.get(i);
      Path zip = dir.resolve(String.format("epoch-%04d.zip", epoch));
      if (Files.isRegularFile(zip)) {
        try {
          State state =
              fromJson(Files.readString(dir.resolve(String.format("epoch-%04d.json", epoch))));
          // ModelSerializer deserializes a preprocessor.bin entry and trusts the parameters'
          // header: a checkpoint folder is a file like any other, so it is checked first.
          Dl4jZip.checkForModelSerializer(zip);
          MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), true);
          Path best = dir.resolve(String.format("best-%04d.zip", state.bestEpoch()));
          MultiLayerNetwork bestNet = null;
          if (Files.isRegularFile(best)) {
            Dl4jZip.checkForModelSerializer(best);
            bestNet = ModelSerializer.restoreMultiLayerNetwork(best.toFile(), false);
          }
          return new Loaded(net, bestNet, state);
        } catch (GraftException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          throw GraftException.badInput(
              zip + ": the checkpoint cannot be read (" + e.getMessage() + ")", e);
        }
      }
    }
    return null;
  }

  record Loaded(MultiLayerNetwork net, MultiLayerNetwork best, State state) {}

  private void prune(String prefix, int keep) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String n = p.getFileName().toString();
        if (n.matches(prefix + "\\d{4}\\.(zip|json)")
            && Integer.parseInt(n.substring(prefix.length(), prefix.length() + 4)) < keep) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new GraftException(
          GraftException.Kind.FAILURE,
          dir + ": cannot remove old checkpoints: " + e.getMessage(),
          e);
    }
  }

  private static String toJson(State s) {
    ObjectNode o =
        JSON.createObjectNode()
            .put("epoch", s.epoch())
            .put("best_epoch", s.bestEpoch())
            .put("best_loss", s.bestLoss())
            .put("learning_rate", s.learningRate())
            .put("since_best", s.sinceBest())
            .put("since_lr_improved", s.sinceLrImproved())
            .put("lr_best_loss", s.lrBestLoss());
    ArrayNode h = o.putArray("history");
    for (int i = 0; i < s.history().size(); i++) {
      EpochStats e = s.history().get(i);
      h.addObject()
          .put("epoch", e.epoch())
          .put("loss", e.trainLoss())
          .put("val_loss", e.validLoss())
          .put("val_accuracy", e.validAccuracy())
          .put("millis", e.millis())
          .put("learning_rate", s.rates().get(i));
    }
    return o.toPrettyString() + "\n";
  }

  private static State fromJson(String text) throws IOException {
    JsonNode o = JSON.readTree(text);
    List<EpochStats> history = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (JsonNode e : o.path("history")) {
      history.add(
          new EpochStats(
              "train",
              e.path("epoch").asInt(),
              e.path("loss").asDouble(),
              e.path("val_loss").asDouble(),
              e.path("val_accuracy").asDouble(),
              e.path("millis").asLong()));
      rates.add(e.path("learning_rate").asDouble());
    }
    return new State(
        o.path("epoch").asInt(),
        o.path("best_epoch").asInt(),
        o.path("best_loss").asDouble(),
        o.path("learning_rate").asDouble(),
        o.path("since_best").asInt(),
        o.path("since_lr_improved").asInt(),
        o.path("lr_best_loss").asDouble(),
        history,
        rates);
  }
}
