package org.dataloader4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dataloader4j} command. Exit codes: 0 success, 1 failure, 2 usage error. Errors are
 * printed as one line with a hint; {@code --verbose} adds the stack trace.
 *
 * <pre>{@code
 * ./dataloader4j demo --workers 2 --epochs 3
 * }</pre>
 */
@Command(name = "dataloader4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "PyTorch-style data loading for the JVM.",
        subcommands = {DemoCommand.class, InfoCommand.class, StatsCommand.class, BenchCommand.class,
                ShardCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given output streams and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--verbose");
            commandLine.getErr().println("dataloader4j: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("hint: run again with --verbose for the stack trace");
            }
            return 1;
        });
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine command = e.getCommandLine();
            command.getErr().println("dataloader4j: " + e.getMessage());
            command.getErr().println("hint: see '" + command.getCommandSpec().qualifiedName() + " --help'");
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed, for example: demo");
    }

    /** Reports the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"dataloader4j " + (v != null ? v : "(development build)")};
        }
    }
}
