package dev.graft.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.trainer.LrFinder;
import dev.graft.trainer.data.Task;
import dev.graft.trainer.data.TaskData;
import dev.graft.trainer.spec.NetworkSpec;
import dev.graft.trainer.spec.SpecJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "lr-find",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    header = "Find a learning rate for a spec's network, as the chapter does.",
    description =
        "One epoch with the learning rate growing exponentially; prints the suggested rate (a tenth of the rate at the lowest loss) and plots loss against rate.")
final class LrFindCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.json")
  Path specFile;

  @Mixin TaskOptions taskOptions = new TaskOptions();

  @Option(names = "--min-rate", description = "Default: 1e-5.")
  double minRate = 1e-5;

  @Option(names = "--max-rate", description = "Default: 10.")
  double maxRate = 10;

  @Option(names = "--batch-size", description = "Default: 32.")
  int batchSize = 32;

  @Option(
      names = "--plot",
      paramLabel = "PNG",
      description = "Save loss against learning rate as a PNG.")
  Path plot;

  @Option(names = "--json", description = "Print JSON: suggested_rate, rates, losses.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    NetworkSpec network = SpecJson.read(specFile);
    Task task = taskOptions.resolve(null);
    if (plot != null) {
      dev.graft.AtomicWrite.checkWritable(plot); // before the sweep, not after it
    }
    TaskData data = taskOptions.load(task);
    LrFinder.Result r = LrFinder.find(network, data, batchSize, minRate, maxRate);
    if (plot != null) {
      LrFinder.plot(r, plot);
    }
    var o = spec.commandLine().getOut();
    if (json) {
      ObjectNode j = Json.object();
      j.put("suggested_rate", r.suggested());
      ArrayNode rates = j.putArray("rates");
      r.rates().forEach(rates::add);
      ArrayNode losses = j.putArray("losses");
      r.losses().forEach(l -> losses.add(Double.isFinite(l) ? l : Double.MAX_VALUE));
      Json.print(o, j);
      return 0;
    }
    o.printf(
        "swept %d batches from %.1e to %.1e: lowest loss %.4f at %.2e; suggested learning rate %.2e%s%n",
        r.rates().size(),
        minRate,
        r.rates().get(r.rates().size() - 1),
        r.losses().stream()
            .mapToDouble(Double::doubleValue)
            .filter(Double::isFinite)
            .min()
            .orElse(Double.NaN),
        r.suggested() * 10,
        r.suggested(),
        plot != null ? " (plot: " + plot + ")" : "");
    o.flush();
    return 0;
  }
}
