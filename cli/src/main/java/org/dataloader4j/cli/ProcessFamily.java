package org.dataloader4j.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Linux process and all its descendants (PyTorch's main process and its {@code DataLoader} worker
 * processes): through {@code /proc/PID/task/TID/children} where the kernel offers it, else through
 * {@link ProcessHandle#descendants()}, which scans {@code /proc} for the processes' parents (in native code,
 * several times faster than reading every {@code /proc/PID/stat} from Java).
 */
final class ProcessFamily {
    private static final Path PROC = Path.of("/proc");

    private ProcessFamily() {
    }

    /**
     * {@code root} followed by its descendants; only {@code root} if it has none, empty if {@code root} is not
     * running.
     */
    static List<Long> of(long root) {
        if (!Files.isDirectory(PROC.resolve(Long.toString(root)))) {
            return List.of();
        }
        Optional<List<Long>> viaChildren = viaChildrenFiles(root);
        if (viaChildren.isPresent()) {
            return viaChildren.get();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(root);
        if (handle.isEmpty()) {
            return List.of();
        }
        List<Long> family = new ArrayList<>(List.of(root));
        handle.get().descendants().forEach(h -> family.add(h.pid()));
        return List.copyOf(family);
    }

    /** Walks the {@code children} files, parents before children; empty when this kernel has none. */
    private static Optional<List<Long>> viaChildrenFiles(long root) {
        Set<Long> family = new LinkedHashSet<>();
        Deque<Long> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.removeFirst();
            if (!family.add(pid)) {
                continue;
            }
            Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path thread : threads) {
                    Path children = thread.resolve("children");
                    if (!Files.exists(children)) {
                        if (pid == root) {
                            return Optional.empty(); // no CONFIG_PROC_CHILDREN
                        }
                        continue; // the thread ended
                    }
                    for (String child : readOrEmpty(children).trim().split("\\s+")) {
                        if (!child.isEmpty()) {
                            todo.addLast(Long.parseLong(child));
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                // the process ended while being walked; its children, if any, were re-parented
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(List.copyOf(family));
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // the process or thread ended
        }
    }
}
