package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.AtomicWrite;
import dev.graft.MetadataKeys;
import dev.graft.onnx.ModelProto;
import dev.graft.runtime.ActivationCache;
import dev.graft.runtime.GraphCut;
import dev.graft.runtime.ModelMetadata;
import dev.graft.runtime.ModelOptions;
import dev.graft.runtime.OnnxModel;
import dev.graft.trainer.CachedFineTuner;
import dev.graft.trainer.Classifier;
import dev.graft.trainer.EpochStats;
import dev.graft.trainer.Evaluator;
import dev.graft.trainer.FineTuneOptions;
import dev.graft.trainer.FineTuneRecord;
import dev.graft.trainer.Metrics;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * finetune on an ONNX base: the trunk stays ONNX and runs in ONNX Runtime, its activations are
 * cached, the new head trains on them (all of --freeze-epochs plus --epochs: an ONNX trunk cannot
 * be unfrozen), and the result is one stitched ONNX model.
 */
final class OnnxFinetune {
  private final FinetuneCommand c;
  private final Task task;
  private final TaskData data;
  private final OwnData own;
  private final FineTuneOptions options;
  private final Path target;
  private final ModelProto base;

  /** {@code own}: the user's images or arrays behind {@code data}, or null for a task. */
  /** {@code base}: the base, parsed and checked; {@code target}: checked to be writable. */
  OnnxFinetune(
      FinetuneCommand command,
      ModelProto base,
      TaskData data,
      OwnData own,
      FineTuneOptions options,
      Path target) {
    this.c = command;
    this.task = data.task();
    this.data = data;
    this.own = own;
    this.options = options;
    this.target = target;
    this.base = base;
  }

  int run() {
    String cut = c.cut != null ? c.cut : GraphCut.belowHead(base);
    int epochs = options.freezeEpochs() + options.epochs();
    FineTuneOptions headOptions =
        FineTuneOptions.builder()
            .head(options.head())
            .freezeEpochs(epochs)
            .epochs(0)
            .freezeOptimizer(options.freezeOptimizer())
            .optimizer(options.optimizer())
            .batchSize(options.batchSize())
            .seed(options.seed())
            .headPatience(options.headPatience())
            .build();
    ActivationCache cache = new ActivationCache(ActivationCache.defaultDir(c.cacheDir));
    CachedFineTuner.Result r =
        c.keepUpper
            ? CachedFineTuner.trainUpper(
                base,
                cut,
                data,
                options,
                cache,
                ModelOptions.defaults(),
                Progress.forTraining("finetune"))
            : CachedFineTuner.train(
                base,
                cut,
                data,
                headOptions,
                cache,
                ModelOptions.defaults(),
                Progress.forTraining("finetune"));
    Metrics test;
    try (OnnxModel m = OnnxModel.load(r.stitched().toByteArray(), ModelOptions.defaults())) {
      test = Evaluator.evaluate(Classifier.of(m), data.test());
    }
    ModelProto stitched = r.stitched();
    if (own != null) {
      // the class names and the images' preprocessing travel with the model
      stitched =
          ModelMetadata.with(
              stitched, MetadataKeys.CLASS_NAMES, String.join("\n", own.classNames()));
      if (own.preprocessing() != null) {
        stitched = ModelMetadata.with(stitched, MetadataKeys.PREPROCESSING, own.preprocessing());
      }
    }
    byte[] bytes = stitched.toByteArray();
    AtomicWrite.write(target, tmp -> Files.write(tmp, bytes));
    ObjectNode record = Json.object();
    record.put("base", c.base.toString());
    record.put("cut", r.cutTensor());
    record.put("task", task.describe());
    if (own != null) {
      record.set(own.recordKey(), own.source());
    }
    record.put("head_epochs", r.history().size());
    record.put("kept_upper_layers", c.keepUpper);
    record.put("test_accuracy", test.accuracy());
    record.put("test_loss", test.loss());
    var keys = record.putArray("cache_keys");
    r.cacheKeys().forEach(keys::add);
    AtomicWrite.writeString(FineTuneRecord.sidecar(target), record.toPrettyString() + "\n");

    var o = c.spec.commandLine().getOut();
    if (c.json) {
      ObjectNode j = Json.object();
      j.put("test_accuracy", test.accuracy());
      j.put("test_loss", test.loss());
      j.put("epochs", r.history().size());
      j.put("n", test.n());
      j.put("cut", r.cutTensor());
      j.put("cache_hits", r.cacheHits()[0]);
      j.put("out", target.toString());
      Json.print(o, j);
      return 0;
    }
    if (own != null) {
      o.printf("base %s, %s%n", c.base, own.summary());
    }
    o.printf(
        "base %s cut at %s (trunk in ONNX Runtime, activations %s in %s)%n",
        c.base,
        r.cutTensor(),
        r.cacheHits()[0] ? "reused from the cache" : "computed and cached",
        cache.dir());
    for (EpochStats e : r.history()) {
      o.printf(
          "  %-8s epoch %2d  loss %.4f  val_loss %.4f  val_accuracy %.4f%n",
          e.phase(), e.epoch(), e.trainLoss(), e.validLoss(), e.validAccuracy());
    }
    o.printf(
        "stitched model: test accuracy %.4f, loss %.4f (%d images)%nsaved %s%n",
        test.accuracy(), test.loss(), test.n(), target);
    o.flush();
    return 0;
  }
}
