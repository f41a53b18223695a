package org.dataloader4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of one epoch: on a terminal, a progress bar (me.tongfei's progressbar) on standard error that counts
 * images and shows the batch, img/s and the ETA; anywhere else (a file, a pipe, a test) nothing while the epoch
 * runs and one plain line on the command's output when it ends.
 */
interface Progress extends AutoCloseable {

    /** Progress bar or plain lines. */
    enum Mode {
        /** A bar when standard output and input are a terminal, plain lines otherwise. */
        AUTO,
        /** Always a bar (on standard error). */
        BAR,
        /** Plain lines only. */
        PLAIN;

        boolean useBar() {
            return switch (this) {
                case BAR -> true;
                case PLAIN -> false;
                case AUTO -> System.console() != null && System.console().isTerminal();
            };
        }
    }

    /** Called after each batch with the number of images it held. */
    void batch(int images);

    /**
     * Prints a line on the command's output: at once in the plain form, after the bar (which owns the terminal
     * line while it runs) in the terminal form.
     */
    void note(String line);

    /** Ends the epoch; the plain form prints its line here. */
    @Override
    void close();

    /** The progress of one epoch of {@code batches} batches and {@code images} images. */
    static Progress of(Mode mode, String task, long batches, long images, PrintWriter out) {
        return mode.useBar() ? new Bar(task, batches, images, System.err, out) : new Plain(task, batches, out);
    }

    /** The terminal form. */
    final class Bar implements Progress {
        private final ProgressBar bar;
        private final long batches;
        private final PrintWriter out;
        private final java.util.List<String> notes = new java.util.ArrayList<>();
        private final long startNanos = System.nanoTime();
        private long done;
        private long images;

        Bar(String task, long batches, long images, PrintStream stream, PrintWriter out) {
            this.batches = batches;
            this.out = out;
            this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(images).setUnit(" img", 1)
                    .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(100)
                    .setConsumer(new ConsoleProgressBarConsumer(stream)).build();
        }

        @Override
        public void batch(int images) {
            done++;
            this.images += images;
            double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
            bar.setExtraMessage(String.format(Locale.ROOT, " batch %d/%d, %,.0f img/s", done, batches,
                    this.images / seconds));
            bar.stepBy(images);
        }

        @Override
        public void note(String line) {
            notes.add(line);
        }

        @Override
        public void close() {
            bar.close();
            notes.forEach(out::println);
            out.flush();
        }
    }

    /** The form for files, pipes and tests: one line per epoch. */
    final class Plain implements Progress {
        private final String task;
        private final long batches;
        private final PrintWriter out;
        private final long startNanos = System.nanoTime();
        private long done;
        private long images;

        Plain(String task, long batches, PrintWriter out) {
            this.task = task;
            this.batches = batches;
            this.out = out;
        }

        @Override
        public void batch(int count) {
            done++;
            images += count;
        }

        @Override
        public void note(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public void close() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            out.printf(Locale.ROOT, "%s: %d/%d batches, %d images in %.2f s (%,.0f img/s)%n", task, done, batches,
                    images, seconds, images / Math.max(seconds, 1e-9));
            out.flush();
        }
    }
}
