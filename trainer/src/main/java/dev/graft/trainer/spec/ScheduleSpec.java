package dev.graft.trainer.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.InverseSchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The chapter's learning-rate schedules:
 *
 * <ul>
 *   <li>power: {@code lr0 / (1 + step / s)^c} (steps are batches);
 *   <li>exponential: {@code lr0 * 0.1^(epoch / s)};
 *   <li>piecewise: {@code values[i]} from epoch {@code boundaries[i-1]} on ({@code values} has one
 *       more);
 *   <li>performance: multiply by {@code factor} when the validation loss has not improved for
 *       {@code patience} epochs (Keras's ReduceLROnPlateau; applied by the training loop);
 *   <li>1cycle: up from {@code maxRate / 10} to {@code maxRate} over the first half of the run,
 *       back down, then to a thousandth of the start over the last tenth (the chapter's
 *       OneCycleScheduler).
 * </ul>
 */
public record ScheduleSpec(
    String name,
    double s,
    double c,
    List<Integer> boundaries,
    List<Double> values,
    double factor,
    int patience,
    double maxRate) {
  public static final List<String> NAMES =
      List.of("power", "exponential", "piecewise", "performance", "1cycle");

  public static ScheduleSpec power(double s, double c) {
    return new ScheduleSpec("power", s, c, List.of(), List.of(), 0, 0, 0);
  }

  public static ScheduleSpec exponential(double s) {
    return new ScheduleSpec("exponential", s, 0, List.of(), List.of(), 0, 0, 0);
  }

  public static ScheduleSpec piecewise(List<Integer> boundaries, List<Double> values) {
    return new ScheduleSpec(
        "piecewise", 0, 0, List.copyOf(boundaries), List.copyOf(values), 0, 0, 0);
  }

  public static ScheduleSpec performance(double factor, int patience) {
    return new ScheduleSpec("performance", 0, 0, List.of(), List.of(), factor, patience, 0);
  }

  public static ScheduleSpec oneCycle(double maxRate) {
    return new ScheduleSpec("1cycle", 0, 0, List.of(), List.of(), 0, 0, maxRate);
  }

  /** DL4J's schedule from {@code lr0}; null for performance, which the loop applies itself. */
  ISchedule schedule(double lr0, int epochs, int batchesPerEpoch) {
    return switch (name) {
      case "power" -> new InverseSchedule(ScheduleType.ITERATION, lr0, 1 / s, c);
      case "exponential" -> new ExponentialSchedule(ScheduleType.EPOCH, lr0, Math.pow(0.1, 1 / s));
      case "piecewise" -> {
        Map<Integer, Double> map = new HashMap<>();
        map.put(0, values.get(0));
        for (int i = 0; i < boundaries.size(); i++) {
          map.put(boundaries.get(i), values.get(i + 1));
        }
        yield new MapSchedule(ScheduleType.EPOCH, map);
      }
      case "1cycle" -> new OneCycleSchedule(Math.max(2, epochs * batchesPerEpoch), maxRate);
      default -> null;
    };
  }
}
