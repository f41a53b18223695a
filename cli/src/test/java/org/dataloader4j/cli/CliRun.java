package org.dataloader4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process, as {@code main} does, and keeps its exit code and both outputs. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Both outputs, for assertion messages. */
    String all() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }

    /** The first output line that starts with {@code prefix} (after leading blanks), or fails. */
    String line(String prefix) {
        return out.lines().filter(l -> l.strip().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + all()));
    }
}
