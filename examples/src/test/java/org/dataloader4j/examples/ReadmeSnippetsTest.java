package org.dataloader4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's code is the examples' code: every fenced block that the README introduces with
 * {@code <!-- from FILE, region NAME -->} must equal the lines between {@code // README:begin NAME} and
 * {@code // README:end NAME} in that file (the common indentation removed), so the README shows code that compiles
 * and runs here.
 */
class ReadmeSnippetsTest {
    private static final Pattern REFERENCE = Pattern.compile("<!-- from (\\S+), region (\\S+) -->");

    @Test
    void everyReadmeSnippetEqualsItsRegionInTheExamples() throws IOException {
        Map<String, String> checked = check(Repository.root().resolve("README.md"));
        assertTrue(checked.containsKey("imagefolder") && checked.containsKey("tensordataset"),
                () -> "README.md should show the ImageFolder and the TensorDataset loops from the examples, but"
                        + " shows only " + checked);
    }

    @Test
    void theSparkReadmeShowsTheMultiNodeExampleVerbatim() throws IOException {
        Map<String, String> checked = check(Repository.root().resolve("spark").resolve("README.md"));
        assertTrue(checked.containsKey("multinode"), () -> "spark/README.md should show the multi-node example, but"
                + " shows only " + checked);
    }

    /** Checks every referenced snippet of {@code readme}; returns the regions checked, by name. */
    private static Map<String, String> check(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        Map<String, String> checked = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = REFERENCE.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            int fence = i + 1;
            if (fence >= lines.size() || !lines.get(fence).startsWith("```")) {
                fail(readme + " line " + (i + 1) + " names region " + m.group(2) + " of " + m.group(1)
                        + ", but no fenced code block follows it on the next line");
            }
            List<String> snippet = new ArrayList<>();
            int j = fence + 1;
            while (j < lines.size() && !lines.get(j).startsWith("```")) {
                snippet.add(lines.get(j++));
            }
            Path source = Repository.root().resolve(m.group(1));
            assertEquals(String.join("\n", region(source, m.group(2))), String.join("\n", snippet),
                    readme + " line " + (fence + 2) + " should be region '" + m.group(2) + "' of " + m.group(1)
                            + " verbatim; copy the region from the example into the README (or back)");
            checked.put(m.group(2), m.group(1));
        }
        return checked;
    }

    /** The lines between the region's markers, less their common indentation. */
    static List<String> region(Path source, String name) throws IOException {
        List<String> lines = Files.readAllLines(source);
        int begin = lines.stream().map(String::strip).toList().indexOf("// README:begin " + name);
        int end = lines.stream().map(String::strip).toList().indexOf("// README:end " + name);
        if (begin < 0 || end < begin) {
            throw new AssertionError(source + " has no region '" + name + "' (// README:begin " + name
                    + " ... // README:end " + name + ")");
        }
        List<String> body = lines.subList(begin + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
