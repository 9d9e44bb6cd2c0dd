import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.constant.ClassDesc;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rewrites, inside the CLI's shaded jar, every class compiled for Java 5 or older (picocli's) as
 * Java 8 bytecode with stack maps. A Java 25 AOT cache cannot hold classes older than Java 6, so
 * without this the JVM loads and verifies picocli's classes from the jar at every start with the old
 * verifier; the code itself is unchanged. Runs at package time, before the AOT training run.
 *
 * <p>Usage: {@code java UpgradeBytecode.java <jar>}
 */
public final class UpgradeBytecode {

  private static final int JAVA_6 = 50;
  private static final int JAVA_8 = 52;

  public static void main(String[] args) throws IOException {
    Path jar = Path.of(args[0]);
    try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
      List<Path> old;
      try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
        old =
            all.filter(p -> p.toString().endsWith(".class"))
                .filter(p -> !p.startsWith("/META-INF"))
                .filter(UpgradeBytecode::olderThanJava6)
                .toList();
      }
      ClassHierarchyResolver fromJar =
          ClassHierarchyResolver.ofResourceParsing(
              (ClassDesc c) -> {
                Path p = zip.getPath("/" + internalName(c) + ".class");
                try {
                  return Files.exists(p) ? new ByteArrayInputStream(Files.readAllBytes(p)) : null;
                } catch (IOException e) {
                  throw new IllegalStateException("cannot read " + p, e);
                }
              });
      ClassFile classFile =
          ClassFile.of(
              ClassFile.ClassHierarchyResolverOption.of(
                  fromJar.orElse(ClassHierarchyResolver.defaultResolver())),
              ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
      // Rebuilding every method body is what makes the library emit stack maps.
      ClassTransform upgrade =
          ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
              .andThen(
                  (builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                      builder.withVersion(JAVA_8, 0);
                    } else {
                      builder.with(element);
                    }
                  });
      for (Path p : old) {
        Files.write(p, classFile.transformClass(classFile.parse(Files.readAllBytes(p)), upgrade));
      }
      System.out.println(old.size() + " classes upgraded to Java 8 bytecode in " + jar);
    }
  }

  private static boolean olderThanJava6(Path classFile) {
    try (var in = Files.newInputStream(classFile)) {
      byte[] header = in.readNBytes(8);
      return header.length == 8 && (((header[6] & 0xff) << 8) | (header[7] & 0xff)) < JAVA_6;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + classFile, e);
    }
  }

  private static String internalName(ClassDesc c) {
    String d = c.descriptorString();
    return d.substring(1, d.length() - 1);
  }
}
