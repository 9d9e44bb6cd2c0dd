package io.palisade.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link BuildImages}'s command line, parsed; every problem is reported at once. */
record BuildOptions(
    String version,
    Path output,
    Path work,
    Path cliJar,
    Path operatorApp,
    Path jdk,
    String suite,
    String mirror,
    String securityMirror,
    long epoch) {

  static final List<String> OPTIONS =
      List.of(
          "--version",
          "--output",
          "--work",
          "--cli-jar",
          "--operator-app",
          "--jdk",
          "--suite",
          "--mirror",
          "--security-mirror",
          "--source-date-epoch");

  static BuildOptions parse(String... args) {
    Map<String, String> values = new HashMap<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!OPTIONS.contains(args[i])) {
        errors.add("unknown option " + args[i]);
      } else if (i + 1 >= args.length) {
        errors.add(args[i] + " needs a value");
      } else {
        values.put(args[i], args[i + 1]);
      }
    }
    for (String o : OPTIONS) {
      if (!values.containsKey(o) && errors.stream().noneMatch(e -> e.startsWith(o + " "))) {
        errors.add(o + " is required");
      }
    }
    if (errors.isEmpty()) {
      Path cli = Path.of(values.get("--cli-jar"));
      if (!Files.isRegularFile(cli)) {
        errors.add("--cli-jar " + cli + ": no such file (package the cli module first)");
      }
      Path app = Path.of(values.get("--operator-app"));
      if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
        errors.add(
            "--operator-app " + app + ": no quarkus-run.jar (package the operator module first)");
      }
      if (!values.get("--version").matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
        errors.add("--version " + values.get("--version") + ": not a valid image tag");
      }
      if (!values.get("--source-date-epoch").matches("[0-9]{1,12}")) {
        errors.add(
            "--source-date-epoch " + values.get("--source-date-epoch") + ": expected seconds");
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("palisade-images: " + String.join("\n", errors));
    }
    return new BuildOptions(
        values.get("--version"),
        Path.of(values.get("--output")),
        Path.of(values.get("--work")),
        Path.of(values.get("--cli-jar")),
        Path.of(values.get("--operator-app")),
        Path.of(values.get("--jdk")),
        values.get("--suite"),
        values.get("--mirror"),
        values.get("--security-mirror"),
        Long.parseLong(values.get("--source-date-epoch")));
  }
}
