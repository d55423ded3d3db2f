import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step of the client jar (run by Maven after shading): rewrites class files older than
 * Java 6 (major version 50) as Java 8 ones, with the stack-map frames the newer verifier wants.
 *
 * <p>Why: the JVM's class-data-sharing archive, which the launcher makes so that the client starts
 * fast, cannot hold classes older than version 50, and picocli ships its 200-odd classes as Java 5
 * bytecode: each start parsed and verified them again, about a quarter of a `smtplab send`. The
 * code itself is unchanged; a class that cannot be rewritten is kept as it was.
 *
 * <pre>java -cp ASM_JAR src/build/UpgradeClassFiles.java JAR</pre>
 */
public class UpgradeClassFiles {
    private static final int OLDEST_ARCHIVABLE = Opcodes.V1_6;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path upgraded = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int rewritten = 0;
        int kept = 0;
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
             ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(upgraded))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().endsWith(".class") && majorVersion(bytes) < OLDEST_ARCHIVABLE) {
                    try {
                        bytes = upgrade(bytes, classes);
                        rewritten++;
                    } catch (RuntimeException e) {
                        kept++;
                        System.err.println("[upgrade class files] kept " + entry.getName() + " as it was: " + e);
                    }
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(upgraded, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("[upgrade class files] " + jar.getFileName() + ": " + rewritten
                + " class files rewritten as Java 8 bytecode" + (kept > 0 ? ", " + kept + " kept as they were" : ""));
    }

    private static int majorVersion(byte[] classFile) {
        return (classFile[6] & 0xff) << 8 | classFile[7] & 0xff;
    }

    private static byte[] upgrade(byte[] classFile, ClassLoader classes) {
        ClassReader reader = new ClassReader(classFile);
        // Not given the reader: with it, ASM would copy the methods unchanged, without frames.
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes; // frames need the common superclass of types from the jar itself
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, 0);
        return writer.toByteArray();
    }
}
