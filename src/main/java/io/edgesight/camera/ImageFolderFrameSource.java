package io.edgesight.camera;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A folder of images read in file-name order, one frame each (offline runs, tests). Finite; loops with loop=true. */
public class ImageFolderFrameSource implements FrameSource {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderFrameSource.class);
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "pgm", "ppm", "pnm");

    private final String cameraId;
    private final Path folder;
    private final double fps;
    private List<Path> files;
    private int next;

    public ImageFolderFrameSource(String cameraId, Path folder, double fps) {
        this.cameraId = cameraId;
        this.folder = folder;
        this.fps = fps;
    }

    @Override
    public void open() throws CameraException {
        if (!Files.isDirectory(folder)) {
            throw new CameraException("camera '" + cameraId + "': image folder " + folder.toAbsolutePath()
                    + " does not exist; check the camera url (folder:<directory>)");
        }
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile).filter(ImageFolderFrameSource::isImage)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new CameraException("camera '" + cameraId + "': cannot list image folder " + folder + " (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) {
            throw new CameraException("camera '" + cameraId + "': image folder " + folder.toAbsolutePath()
                    + " has no images (" + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
        }
        next = 0;
    }

    static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public Mat grab() throws CameraException {
        while (next < files.size()) {
            Path file = files.get(next++);
            Mat m = imread(file.toString(), IMREAD_COLOR);
            if (m != null && !m.empty()) return m;
            if (m != null) m.close();
            LOG.warn("camera '{}': skipped {}: not a readable image", cameraId, file);
        }
        return null;
    }

    /** Number of images found by {@link #open()}. */
    public int size() {
        return files == null ? 0 : files.size();
    }

    @Override
    public double frameRate() {
        return fps;
    }

    @Override
    public boolean rewind() {
        next = 0;
        return true;
    }

    @Override
    public String describe() {
        return "image folder " + folder;
    }

    @Override
    public void close() {
        files = null;
    }
}
