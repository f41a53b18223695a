package org.dataloader4j.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Linux process and all its descendants (PyTorch's main process and its {@code DataLoader} worker
 * processes), found from {@code /proc}: through {@code /proc/PID/task/TID/children} where the kernel offers
 * it, else by reading every process's parent from {@code /proc/PID/stat}.
 */
final class ProcessFamily {
    private static final Path PROC = Path.of("/proc");

    private ProcessFamily() {
    }

    /**
     * {@code root} followed by its descendants, parents before children; only {@code root} if it has none,
     * empty if {@code root} is not running.
     *
     * @throws IOException if {@code /proc} cannot be listed
     */
    static List<Long> of(long root) throws IOException {
        if (!Files.isDirectory(PROC.resolve(Long.toString(root)))) {
            return List.of();
        }
        Optional<List<Long>> viaChildren = viaChildrenFiles(root);
        return viaChildren.isPresent() ? viaChildren.get() : viaParents(root, parents());
    }

    /** Walks the {@code children} files; empty when this kernel has none (no CONFIG_PROC_CHILDREN). */
    private static Optional<List<Long>> viaChildrenFiles(long root) throws IOException {
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
                            return Optional.empty();
                        }
                        continue; // the thread ended
                    }
                    for (String child : readOrEmpty(children).trim().split("\\s+")) {
                        if (!child.isEmpty()) {
                            todo.addLast(Long.parseLong(child));
                        }
                    }
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // the process ended while being walked; its children, if any, were re-parented
            }
        }
        return Optional.of(List.copyOf(family));
    }

    /** Every running process's parent, from {@code /proc/PID/stat}. */
    private static Map<Long, Long> parents() throws IOException {
        Map<Long, Long> parents = new HashMap<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC)) {
            for (Path dir : all) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat = readOrEmpty(dir.resolve("stat"));
                if (!stat.isEmpty()) {
                    parents.put(Long.parseLong(name), parentFromStat(stat));
                }
            }
        }
        return parents;
    }

    /**
     * {@code root} and its descendants in {@code parents} (pid to parent pid), parents before children.
     */
    static List<Long> viaParents(long root, Map<Long, Long> parents) {
        Map<Long, List<Long>> children = new HashMap<>();
        parents.forEach((pid, parent) -> children.computeIfAbsent(parent, p -> new ArrayList<>()).add(pid));
        children.values().forEach(list -> list.sort(null));
        List<Long> family = new ArrayList<>();
        Set<Long> seen = new LinkedHashSet<>();
        Deque<Long> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.removeFirst();
            if (seen.add(pid)) {
                family.add(pid);
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return family;
    }

    /**
     * The parent pid in the text of a {@code /proc/PID/stat} file: the second field after the command name,
     * which is in parentheses and may itself hold spaces and parentheses.
     *
     * @throws IllegalArgumentException if the text does not have that shape
     */
    static long parentFromStat(String stat) {
        int close = stat.lastIndexOf(')');
        String[] fields = close < 0 ? new String[0] : stat.substring(close + 1).trim().split("\\s+");
        if (fields.length < 2) {
            throw new IllegalArgumentException("expected '/proc/PID/stat' text 'PID (COMMAND) STATE PPID ...', but got '"
                    + stat.strip() + "'");
        }
        try {
            return Long.parseLong(fields[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a parent pid after the state in '/proc/PID/stat' text '"
                    + stat.strip() + "'", e);
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // the process or thread ended
        }
    }
}
