package org.dataloader4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The dataloader4j repository these examples sit in (system property {@code dataloader4j.root}, set by the pom). */
final class Repository {
    private Repository() {
    }

    static Path root() {
        String root = System.getProperty("dataloader4j.root");
        if (root == null) {
            throw new IllegalStateException("the system property dataloader4j.root (the repository's root folder) is"
                    + " not set; run the examples with mvn -f examples/pom.xml verify");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    /** The demo's photographs, shipped with the cli module. */
    static Path demoPhotos() {
        return root().resolve("cli/src/main/resources/org/dataloader4j/cli/demo");
    }

    /**
     * Lays the demo photographs out as an image folder under {@code target}: one class per photograph (the classes
     * of the demo's {@code index.tsv}), each with {@code copies} copies of it.
     *
     * @return the class names in the order of the index
     */
    static List<String> layOutDemoPhotos(Path target, int copies) throws IOException {
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(demoPhotos().resolve("index.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            Path dir = Files.createDirectories(target.resolve(fields[0]));
            for (int i = 0; i < copies; i++) {
                Files.copy(demoPhotos().resolve(fields[1]), dir.resolve(fields[0] + "_" + i + ".jpg"));
            }
            classes.add(fields[0]);
        }
        return classes;
    }
}
