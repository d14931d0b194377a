package dev.graft.trainer.data;

/**
 * A task's training, validation and test examples as streams ({@link TaskData}'s, or images not yet
 * decoded): what a frozen trunk goes over once. Without a test split the test stream is the
 * validation stream itself.
 */
public record TaskStreams(Task task, ExampleStream train, ExampleStream valid, ExampleStream test) {

  /** Every example in memory (images decoded once each, the validation ones reused as test). */
  public TaskData load() {
    Examples validation = valid.load();
    return new TaskData(task, train.load(), validation, test == valid ? validation : test.load());
  }
}
