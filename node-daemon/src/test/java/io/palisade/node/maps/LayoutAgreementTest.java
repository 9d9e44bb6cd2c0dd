package io.palisade.node.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.Sh;
import io.palisade.node.harness.Tools;
import java.io.InputStream;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C header and {@link Layouts} describe the same bytes: a probe generated from the Java layouts
 * is compiled against palisade.h (a Java field the header lacks fails the compile) and prints each
 * struct's size, each field's offset and size, and each shared constant.
 */
class LayoutAgreementTest {

  @Test
  void everyLayoutAndConstantMatchesTheHeader(@TempDir Path dir) throws Exception {
    requireCompiler();
    try (InputStream h = Layouts.class.getResourceAsStream("/io/palisade/bpf/palisade.h")) {
      assertThat(h).as("palisade.h on the class path").isNotNull();
      Files.copy(h, dir.resolve("palisade.h"));
    }
    Map<String, Long> java = new HashMap<>();
    StringBuilder c = new StringBuilder();
    c.append(
        "#include <stdio.h>\n#include <stddef.h>\n#include \"palisade.h\"\nint main(void) {\n");
    for (StructLayout s : Layouts.ALL) {
      String name = s.name().orElseThrow();
      line(c, "sizeof " + name, "sizeof(struct " + name + ")");
      java.put("sizeof " + name, s.byteSize());
      for (MemoryLayout field : s.memberLayouts()) {
        if (field.name().isEmpty()) {
          continue; // padding the Java side spells out and C leaves implicit
        }
        String f = field.name().get();
        line(c, "offsetof " + name + "." + f, "offsetof(struct " + name + ", " + f + ")");
        line(c, "sizeof " + name + "." + f, "sizeof(((struct " + name + " *)0)->" + f + ")");
        java.put("offsetof " + name + "." + f, Layouts.offset(s, f));
        java.put("sizeof " + name + "." + f, field.byteSize());
      }
      assertThat(s).isInstanceOf(GroupLayout.class);
    }
    Layouts.CONSTANTS.forEach(
        (name, value) -> {
          line(c, "const " + name, "(unsigned long long)(" + name + ")");
          java.put("const " + name, value);
        });
    for (Reason r : Reason.values()) {
      line(c, "const " + r.cName(), "(unsigned long long)(" + r.cName() + ")");
      java.put("const " + r.cName(), (long) r.slot());
    }
    c.append("  return 0;\n}\n");
    Files.writeString(dir.resolve("probe.c"), c);

    Sh.Result cc =
        Sh.run(
            compiler(),
            "-Wall",
            "-Werror",
            "-I" + dir,
            "-o",
            dir.resolve("probe").toString(),
            dir.resolve("probe.c").toString());
    assertThat(cc.ok()).as("probe compiles against the header:\n" + cc.output()).isTrue();
    Sh.Result run = Sh.run(dir.resolve("probe").toString());
    assertThat(run.ok()).isTrue();

    Map<String, Long> fromC = new HashMap<>();
    for (String l : run.output().split("\n")) {
      int sp = l.lastIndexOf(' ');
      fromC.put(l.substring(0, sp), Long.parseLong(l.substring(sp + 1)));
    }
    assertThat(fromC).containsExactlyInAnyOrderEntriesOf(java);
  }

  private static void line(StringBuilder c, String label, String expr) {
    c.append("  printf(\"%s %llu\\n\", \"")
        .append(label)
        .append("\", (unsigned long long)(")
        .append(expr)
        .append("));\n");
  }

  /** clang, which CI installs for the BPF programs anyway, else the system's cc. */
  private static String compiler() {
    return Tools.isInstalled("clang") ? "clang" : "cc";
  }

  private static void requireCompiler() {
    if (Tools.isInstalled(compiler())) {
      return;
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError("CI must have a C compiler (clang/gcc) for the layout probe");
    }
    Assumptions.abort("no C compiler: cannot compile the layout probe");
  }
}
