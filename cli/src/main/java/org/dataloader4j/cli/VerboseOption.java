package org.dataloader4j.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --verbose} option every command takes, as a picocli mixin. {@link Main} reads whether it was given
 * from the parse result, so that an error is one line with a hint, or its stack trace with {@code --verbose}.
 */
final class VerboseOption {
    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;
}
