package org.dataloader4j.cli;

import org.dataloader4j.loader.SampleErrorPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How the commands that load every image of an ImageFolder ({@code demo}, {@code stats}) load it, as a picocli
 * mixin: the worker threads, the images per batch and how many images that fail to load may be left out.
 */
final class ImageLoadOptions {
    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "images per batch, the unit a worker takes (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
            description = "worker threads, 0 = the calling thread (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--skip-bad", paramLabel = "N", defaultValue = "0",
            description = "leave out up to N images (per epoch) that fail to load, and list them (default:"
                    + " ${DEFAULT-VALUE}, fail on the first)")
    long skipBad;

    /**
     * Refuses a batch size below one or a negative worker count or skip budget, naming all three values.
     *
     * @param commandLine the command whose options these are, for the exception
     * @throws ParameterException when a value is out of range
     */
    void check(CommandLine commandLine) {
        if (batchSize < 1 || workers < 0 || skipBad < 0) {
            throw new ParameterException(commandLine, "--batch-size must be positive and --workers and --skip-bad"
                    + " non-negative, but got --batch-size=" + batchSize + " --workers=" + workers + " --skip-bad="
                    + skipBad);
        }
    }

    /** {@return skip up to {@code --skip-bad} failing images, or fail on the first when it is 0} */
    SampleErrorPolicy errorPolicy() {
        return skipBad > 0 ? SampleErrorPolicy.skip(skipBad) : SampleErrorPolicy.fail();
    }
}
