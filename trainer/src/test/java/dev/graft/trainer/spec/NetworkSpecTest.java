package dev.graft.trainer.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One spec behind the JSON file and the builder; specs that make no sense are refused by field. */
class NetworkSpecTest {
  private static final String JSON =
      """
      {"name": "net", "input": [28, 28],
       "layers": [{"units": 300, "activation": "selu", "initializer": "lecun_normal", "alpha_dropout": 0.1},
                  {"units": 100, "activation": "selu", "initializer": "lecun_normal", "repeat": 2}],
       "output": {"units": 10, "activation": "softmax"},
       "optimizer": {"name": "nadam", "learning_rate": 0.002},
       "schedule": {"name": "piecewise", "boundaries": [5, 15], "values": [0.01, 0.005, 0.001]},
       "clip_norm": 1.0, "l2": 0.0001, "self_normalizing": true, "seed": 7}
      """;

  @Test
  void jsonAndBuilderGiveTheSameSpec() {
    NetworkSpec fromJson = SpecJson.parse(JSON, "net.json");
    NetworkSpec built =
        NetworkSpec.builder()
            .name("net")
            .input(28, 28)
            .layer(LayerSpec.dense(300, "selu").initializer("lecun_normal").alphaDropout(0.1))
            .layer(LayerSpec.dense(100, "selu").initializer("lecun_normal").repeat(2))
            .output(10, "softmax")
            .optimizer(OptimizerSpec.of("nadam").learningRate(0.002))
            .schedule(ScheduleSpec.piecewise(List.of(5, 15), List.of(0.01, 0.005, 0.001)))
            .clipNorm(1.0)
            .l2(0.0001)
            .selfNormalizing(true)
            .seed(7)
            .build();
    assertEquals(SpecJson.write(built), SpecJson.write(fromJson));
    assertEquals(
        SpecJson.write(fromJson),
        SpecJson.write(SpecJson.parse(SpecJson.write(fromJson), "again")));
    assertEquals(784, fromJson.inputSize());
  }

  @Test
  void inputDropoutAndBatchNorm() {
    String json =
        "{\"input\": [28, 28], \"input_dropout\": 0.2, \"input_batch_norm\": true,"
            + " \"layers\": [{\"units\": 300, \"activation\": \"elu\", \"initializer\": \"he_normal\", \"dropout\": 0.2}],"
            + " \"optimizer\": \"nadam\"}";
    NetworkSpec built =
        NetworkSpec.builder()
            .input(28, 28)
            .inputDropout(0.2)
            .inputBatchNorm(true)
            .layer(LayerSpec.dense(300, "elu").initializer("he_normal").dropout(0.2))
            .optimizer(OptimizerSpec.of("nadam"))
            .build();
    assertEquals(SpecJson.write(built), SpecJson.write(SpecJson.parse(json, "d.json")));
    refused(
        json.replace("\"input_dropout\": 0.2", "\"input_dropout\": 1.5"),
        "net.json.input_dropout: must be in [0, 1)");
  }

  @Test
  void nonsenseIsRefusedNamingTheField() {
    refused(
        JSON.replace(
            "\"selu\", \"initializer\": \"lecun_normal\", \"alpha",
            "\"sellu\", \"initializer\": \"lecun_normal\", \"alpha"),
        "net.json.layers[0].activation: unknown 'sellu'");
    refused(
        JSON.replace("\"alpha_dropout\": 0.1", "\"alpha_dropout\": -0.1"),
        "net.json.layers[0].alpha_dropout: must be in [0, 1)");
    refused(
        JSON.replace("\"repeat\": 2}", "\"repeat\": 2, \"batch_norm\": \"before\"}"),
        "net.json.layers[1].batch_norm: before: batch normalization breaks self-normalization");
    refused(JSON.replace("\"seed\": 7", "\"sede\": 7"), "net.json.sede: unknown key");
    refused(
        JSON.replace(
            "\"nadam\", \"learning_rate\": 0.002", "\"adadelta\", \"learning_rate\": 0.002"),
        "net.json.optimizer.learning_rate: of adadelta");
    refused(
        JSON.replace("[0.01, 0.005, 0.001]", "[0.01, 0.005]"),
        "net.json.schedule.values: needs one more value than boundaries");
    refused(
        JSON.replace("\"units\": 300", "\"units\": \"300\""),
        "net.json.layers[0].units: must be a whole number");
    refused(
        JSON.replace("\"clip_norm\": 1.0", "\"clip_norm\": 1.0, \"clip_value\": 0.5"),
        "and clip_value are both set");
    refused(
        "{\"input\": 784, \"layers\": [{\"units\": 10}], \"optimizer\": {\"name\": \"adam\", \"learning_rate\": -1}}",
        "net.json.optimizer.learning_rate: must be a positive number");
    refused("not json", "net.json: not valid JSON");
  }

  private static void refused(String json, String fragment) {
    GraftException e = assertThrows(GraftException.class, () -> SpecJson.parse(json, "net.json"));
    assertEquals(GraftException.Kind.USAGE, e.kind());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
