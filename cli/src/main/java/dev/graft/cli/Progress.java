package dev.graft.cli;

import dev.graft.trainer.EpochStats;
import dev.graft.trainer.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr while training, one bar per phase, only on an interactive terminal
 * (never in CI or when output is piped).
 */
final class Progress implements TrainingListener {
  private final String label;
  private ProgressBar bar;

  private Progress(String label) {
    this.label = label;
  }

  /** A listener that shows bars on a terminal and does nothing elsewhere. */
  static TrainingListener forTraining(String label) {
    return interactive() ? new Progress(label) : TrainingListener.NONE;
  }

  /** As {@link #forTraining(String)}, with the library's notes printed to {@code err}. */
  static TrainingListener forTraining(String label, java.io.PrintWriter err) {
    TrainingListener bars = forTraining(label);
    return new TrainingListener() {
      @Override
      public void note(String text) {
        err.println("graft: note: " + text);
        err.flush();
      }

      @Override
      public void phaseStarted(String phase, int epochs, int batchesPerEpoch) {
        bars.phaseStarted(phase, epochs, batchesPerEpoch);
      }

      @Override
      public void batchDone() {
        bars.batchDone();
      }

      @Override
      public void epochDone(EpochStats stats) {
        bars.epochDone(stats);
      }

      @Override
      public void phaseDone(String phase) {
        bars.phaseDone(phase);
      }

      @Override
      public void featuresComputed(String what, long done, long total) {
        bars.featuresComputed(what, done, total);
      }
    };
  }

  static boolean interactive() {
    return System.console() != null && System.getenv("CI") == null;
  }

  @Override
  public void phaseStarted(String phase, int epochs, int batchesPerEpoch) {
    bar =
        new ProgressBarBuilder()
            .setTaskName(label + " " + phase)
            .setInitialMax((long) epochs * batchesPerEpoch)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build();
  }

  @Override
  public void batchDone() {
    bar.step();
  }

  @Override
  public void epochDone(EpochStats stats) {
    bar.setExtraMessage(
        String.format(" epoch %d val_acc %.4f", stats.epoch(), stats.validAccuracy()));
  }

  @Override
  public void phaseDone(String phase) {
    bar.close();
  }

  private ProgressBar trunkBar;

  @Override
  public void featuresComputed(String what, long done, long total) {
    if (trunkBar == null) {
      trunkBar =
          new ProgressBarBuilder()
              .setTaskName("frozen trunk: " + what)
              .setInitialMax(total)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(System.err))
              .build();
    }
    trunkBar.stepTo(done);
    if (done >= total) {
      trunkBar.close();
      trunkBar = null;
    }
  }
}
