package io.edgesight.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

import com.google.protobuf.CodedOutputStream;
import org.tensorflow.proto.SavedModel;

/** File chores shared by everything that writes a SavedModel (sample trainer, importer, generators). */
public final class SavedModelFiles {
    private SavedModelFiles() {}

    /**
     * Rewrites saved_model.pb with deterministic protobuf serialization: the native graph export emits node attrs
     * in hash-map order, so the same graph gave different bytes on every run.
     */
    public static void canonicalize(Path pb) throws IOException {
        SavedModel model = SavedModel.parseFrom(Files.readAllBytes(pb));
        byte[] out = new byte[model.getSerializedSize()];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        cos.useDeterministicSerialization();
        model.writeTo(cos);
        cos.checkNoSpaceLeft();
        Files.write(pb, out);
    }

    /** Puts a finished directory in place of {@code target} with atomic renames, then removes the old one. */
    public static void replaceDir(Path tmp, Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path old = null;
        if (Files.exists(abs)) {
            old = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".old");
            Files.delete(old);
            Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) deleteTree(old);
    }

    /** Deletes a directory tree; failures surface as {@link UncheckedIOException}. */
    public static void deleteTree(Path dir) {
        try (Stream<Path> st = Files.walk(dir)) {
            st.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
