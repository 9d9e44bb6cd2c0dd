package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shaded jars users run (the CLI and the node daemon) leave the JVM's host name lookups to the
 * JDK: a library's resolver service whose class the shaded jar cannot load would make every lookup
 * of the process fail, the operator's address included.
 */
class ShadedJarsLookUpNamesIT {

  private static final Path JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toAbsolutePath();

  @ParameterizedTest
  @ValueSource(strings = {"target/palisade.jar", "../node-daemon/target/palisade-node.jar"})
  void localhostResolvesWithTheJarOnTheClassPath(String jar, @TempDir Path dir) throws Exception {
    Path shaded = Path.of(jar).toAbsolutePath().normalize();
    assertThat(shaded).as("the package phase builds %s", shaded).exists();
    Path lookup = dir.resolve("Lookup.java");
    Files.writeString(
        lookup,
        "public class Lookup { public static void main(String[] a) throws Exception {"
            + " System.out.println(java.net.InetAddress.getByName(\"localhost\")"
            + ".isLoopbackAddress()); } }");
    Process p =
        new ProcessBuilder(JAVA.toString(), "-cp", shaded.toString(), lookup.toString())
            .redirectErrorStream(true)
            .start();
    String out = read(p);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the lookup ended").isTrue();
    assertThat(out.strip()).as("output of the lookup with %s", shaded).isEqualTo("true");
    assertThat(p.exitValue()).isZero();
  }

  private static String read(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
