package org.dataloader4j.vision;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import org.dataloader4j.data.Dataset;
import org.dataloader4j.data.Datasets;
import org.dataloader4j.data.SampleContext;
import org.dataloader4j.data.SampleTransform;
import org.dataloader4j.random.RandomStreams;

/**
 * A dataset of files arranged in one folder per class, with torchvision's {@code DatasetFolder} semantics:
 * <ul>
 *   <li>classes are the names of the sub-directories of {@code root} (directory symlinks count, hidden
 *       directories too), sorted in plain code-point order, so {@code 10_z < 2_a < Cat < bird}; class
 *       {@code i} of that order has index {@code i}; files directly in {@code root} are ignored;</li>
 *   <li>each class folder is walked recursively, following directory symlinks; like torchvision, which sorts
 *       the directories {@code os.walk} visits by their path and then the files of each by name, the samples
 *       of a class are ordered by (directory path, file name), so {@code sub/y} comes before
 *       {@code sub-b/z}, which comes before {@code sub/deeper/w};</li>
 *   <li>a file is kept if its lower-cased path ends with one of the {@code extensions} (compared as given,
 *       so pass them in lower case), or, instead, if the {@code isValidFile} predicate accepts it; hidden
 *       files count like any other;</li>
 *   <li>a class without any valid file is an error naming the class and the extensions unless
 *       {@code allowEmpty}; a root without a class folder is an error naming the root.</li>
 * </ul>
 * The file list is gathered once, when the dataset is built; {@link #get(long)} loads one file (lazily, from
 * any thread) and applies the transforms. {@link #source(long)} is the file's path, so loader errors name it.
 * A directory symlink that leads back to one of its own ancestors is not followed again (torchvision would
 * recurse until the path is too long).
 *
 * <h2>Transforms and memory</h2>
 * The {@code transform} gets the loaded value and the sample's own random generator (derived by the
 * {@code DataLoader} from seed, epoch and sample); the sample is a {@link Sample} of its result and the class
 * index (a target transform is a {@code map} over the dataset: see {@link Sample}). When the loaded value is
 * {@link AutoCloseable} (an {@link Image}) and the transform returned something else, the loaded value is closed
 * after the transform, so decoded pixels are freed at once rather than at some later garbage collection: a
 * transform must copy what it keeps of its input, as the transforms of this module do.
 *
 * <pre>{@code
 * DatasetFolder<Tensor> train = ImageFolder.builder(Path.of("/data/train"))
 *         .transform(Compose.of(new RandomResizedCrop(224)).then(new RandomHorizontalFlip())
 *                 .then(new ToTensor()).then(new Normalize(MEAN, STD)))
 *         .build();
 * train.classes();        // [cat, dog]
 * train.get(0).target();  // 0
 * train.plan();           // fused: decode region of RandomResizedCrop, RandomHorizontalFlip+ToTensor+Normalize ...
 * }</pre>
 *
 * <h2>Fused decoding</h2>
 * When the loader is a {@link DecodingLoader} (as {@link ImageFolder}'s) and the transform a
 * {@link DecodingTransform} (such as {@code Compose}), the transform starts from the file
 * ({@link DecodingTransform#decoding}), decoding only what it reads; the samples are bitwise the same.
 * {@link #plan()} says whether that happens and, when it does not, why; when a stage of such a transform keeps a
 * fusion from applying, building the dataset also logs the plan once (level INFO, logger
 * {@code org.dataloader4j.vision.DatasetFolder}).
 *
 * @param <X> input type after the transform
 */
public final class DatasetFolder<X> implements Dataset<Sample<X>> {

    /**
     * One file of the dataset and the index of its class, torchvision's {@code (path, class_index)}.
     *
     * @param path the file
     * @param target the index of its class
     */
    public record Entry(Path path, int target) {
    }

    private static final System.Logger LOG = System.getLogger(DatasetFolder.class.getName());

    private final Path root;
    private final List<String> classes;
    private final Map<String, Integer> classToIdx;
    private final List<Entry> samples;
    private volatile String fingerprint; // computed on first use
    private final Function<? super Path, ?> loader;
    private final SampleTransform<Object, ? extends X> transform;
    private final SampleTransform<Path, ? extends X> decodingTransform; // a DecodingLoader + a DecodingTransform
    private final FusionPlan plan;

    @SuppressWarnings("unchecked")
    private DatasetFolder(Builder<?, X> b) {
        this.root = b.root;
        this.classes = findClasses(root);
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            map.put(classes.get(i), i);
        }
        this.classToIdx = Collections.unmodifiableMap(map);
        this.samples = makeDataset(root, classToIdx, b.extensions, b.isValidFile, b.allowEmpty);
        this.loader = b.loader;
        this.transform = (SampleTransform<Object, ? extends X>) b.transform;
        if (b.loader instanceof DecodingLoader decoding && b.transform instanceof DecodingTransform<?> t) {
            this.decodingTransform = (SampleTransform<Path, ? extends X>) t.decoding(decoding.decoders());
            this.plan = t.plan(decoding.decoders());
            if (!plan.fused()) {   // a stage of the user's pipeline keeps a fusion from applying: say so once
                LOG.log(System.Logger.Level.INFO, "DatasetFolder " + root + ": " + plan);
            }
        } else {
            this.decodingTransform = null;
            this.plan = unfusedPlan(b);
        }
    }

    /** The plan of a dataset that loads each file whole and then transforms it, with the reason. */
    private static FusionPlan unfusedPlan(Builder<?, ?> b) {
        String load = b.loader instanceof DecodingLoader ? "decode whole image" : "load " + name(b.loader);
        if (!b.transformSet) {
            return new FusionPlan(List.of(load), List.of());   // nothing to fuse
        }
        String reason = !(b.loader instanceof DecodingLoader)
                ? "the loader (" + b.loader.getClass().getName() + ") is not a DecodingLoader, so each file is"
                + " loaded whole before the transform"
                : "the transform (" + b.transform.getClass().getName() + ") is not a DecodingTransform (such as"
                + " Compose), so each file is decoded whole before it";
        return new FusionPlan(List.of(load, name(b.transform)), List.of(reason));
    }

    private static String name(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 120 ? s : o.getClass().getName();
    }

    /**
     * {@return a builder for a folder dataset whose files are read by {@code loader} (torchvision's {@code loader});
     * set {@link Builder#extensions} or {@link Builder#isValidFile}}
     *
     * @param <L> the type of a loaded file
     * @param root the dataset's folder
     * @param loader reads one file
     */
    public static <L> Builder<L, L> builder(Path root, Function<? super Path, ? extends L> loader) {
        return new Builder<>(root, loader, null);
    }

    // ------------------------------------------------------------------ torchvision's helpers

    /**
     * {@return the class names under {@code root}: the sorted names of its sub-directories (following symlinks)}
     *
     * @param root the dataset's folder
     * @throws IllegalArgumentException if {@code root} is not a directory or has no sub-directory
     */
    public static List<String> findClasses(Path root) {
        Objects.requireNonNull(root, "root");
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("root " + root + " does not exist or is not a directory");
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path e : entries) {
                if (Files.isDirectory(e)) {
                    names.add(e.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list root " + root + ": " + e, e);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("couldn't find any class folder in " + root
                    + ": each class must be a sub-directory of the root");
        }
        names.sort(CODE_POINT_ORDER);
        return List.copyOf(names);
    }

    /**
     * {@return the (path, class index) list of torchvision's {@code make_dataset}: classes in the order of their names,
     * inside a class directories by path and files by name} Exactly one of {@code extensions} and {@code isValidFile}
     * must be non-null.
     *
     * @param root the dataset's folder
     * @param classToIdx the index of each class name
     * @param extensions the accepted file extensions, or null
     * @param isValidFile the test of a file, or null
     * @param allowEmpty whether a class without files is accepted
     * @throws IllegalArgumentException if both or neither filter is given, or a class has no valid file and
     *         {@code allowEmpty} is false (the message names the classes and the extensions)
     */
    public static List<Entry> makeDataset(Path root, Map<String, Integer> classToIdx, Collection<String> extensions,
                                          Predicate<? super Path> isValidFile, boolean allowEmpty) {
        if ((extensions == null) == (isValidFile == null)) {
            throw new IllegalArgumentException("exactly one of extensions and isValidFile must be given, but got "
                    + (extensions == null ? "neither" : "both"));
        }
        if (classToIdx.isEmpty()) {
            throw new IllegalArgumentException("classToIdx must have at least one entry to collect any samples");
        }
        Predicate<? super Path> valid = isValidFile != null ? isValidFile : hasExtension(extensions);
        List<Entry> out = new ArrayList<>();
        Set<String> found = new HashSet<>();
        List<String> sortedClasses = new ArrayList<>(classToIdx.keySet());
        sortedClasses.sort(CODE_POINT_ORDER);
        for (String cls : sortedClasses) {
            int index = classToIdx.get(cls);
            Path dir = root.resolve(cls);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Walked> dirs = new ArrayList<>();
            walk(dir, "", dirs, new ArrayList<>());
            dirs.sort(Comparator.comparing(Walked::relative, CODE_POINT_ORDER));
            for (Walked w : dirs) {
                for (String name : w.files) {
                    Path path = w.dir.resolve(name);
                    if (valid.test(path)) {
                        out.add(new Entry(path, index));
                        found.add(cls);
                    }
                }
            }
        }
        List<String> empty = new ArrayList<>();
        for (String cls : sortedClasses) {
            if (!found.contains(cls)) {
                empty.add(cls);
            }
        }
        if (!empty.isEmpty() && !allowEmpty) {
            throw new IllegalArgumentException("found no valid file for the classes " + String.join(", ", empty)
                    + " under " + root + (extensions != null ? "; supported extensions are: "
                    + String.join(", ", extensions) : " (no file passed isValidFile)")
                    + "; use allowEmpty(true) to accept empty classes");
        }
        return List.copyOf(out);
    }

    private static Predicate<Path> hasExtension(Collection<String> extensions) {
        List<String> ext = List.copyOf(extensions);
        return path -> {
            String lower = path.toString().toLowerCase(Locale.ROOT);
            for (String e : ext) {
                if (lower.endsWith(e)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** A directory met by the walk: its path relative to the class folder ("/"-separated) and its files. */
    private record Walked(Path dir, String relative, List<String> files) {
    }

    /** os.walk(followlinks=True): every directory below {@code dir}, each with its sorted file names. */
    private static void walk(Path dir, String relative, List<Walked> out, List<Path> ancestors) {
        List<String> files = new ArrayList<>();
        List<String> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                (Files.isDirectory(e) ? subdirs : files).add(e.getFileName().toString());
            }
        } catch (IOException e) {
            return;   // like os.walk without onerror: an unreadable directory contributes nothing
        }
        files.sort(CODE_POINT_ORDER);
        out.add(new Walked(dir, relative, files));
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            return;
        }
        ancestors.add(real);
        for (String name : subdirs) {
            Path sub = dir.resolve(name);
            try {
                if (ancestors.contains(sub.toRealPath())) {
                    continue;   // a symlink back to an ancestor: following it would never end
                }
            } catch (IOException e) {
                continue;
            }
            walk(sub, relative.isEmpty() ? name : relative + "/" + name, out, ancestors);
        }
        ancestors.removeLast();
    }

    /** Python's string order: by Unicode code point (String.compareTo compares UTF-16 units, which differs). */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    // ------------------------------------------------------------------ accessors

    /** {@return the root folder} */
    public Path root() {
        return root;
    }

    /** {@return the class names, sorted; the index of a class is its position} */
    public List<String> classes() {
        return classes;
    }

    /** {@return class name to class index, in class order} */
    public Map<String, Integer> classToIdx() {
        return classToIdx;
    }

    /** {@return every (path, class index), in torchvision's order} */
    public List<Entry> samples() {
        return samples;
    }

    /** {@return the class index of every sample, in order} */
    public List<Integer> targets() {
        return samples.stream().map(Entry::target).toList();
    }

    /**
     * How {@link #get} loads and transforms a file: {@code "fused: decode region of RandomResizedCrop, ..."} when
     * the transform starts from the file, or {@code "unfused: ..."} naming what keeps a fusion from applying (the
     * loader is not a {@link DecodingLoader}, the transform not a {@link DecodingTransform}, or a stage of the
     * transform that declares neither {@code PixelwiseTransform} nor a fusion).
     *
     * @return the plan
     */
    public FusionPlan plan() {
        return plan;
    }

    @Override
    public long size() {
        return samples.size();
    }

    /**
     * Loads sample {@code index} and applies the transform to it.
     * Loader and transform exceptions propagate unchanged (the {@code DataLoader} adds the index and the path).
     */
    @Override
    public Sample<X> get(long index) {
        Datasets.checkIndex(index, size());
        Entry entry = samples.get((int) index);
        RandomGenerator rng = SampleContext.current(index).random(RandomStreams.TRANSFORM);
        if (decodingTransform != null) {
            X input = decodingTransform.apply(entry.path(), rng);
            return new Sample<>(input, entry.target());
        }
        Object loaded = loader.apply(entry.path());
        X input;
        try {
            input = transform.apply(loaded, rng);
        } catch (Throwable t) {
            closeQuietly(loaded, t);
            throw t;
        }
        if (input != loaded && loaded instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the loaded " + entry.path() + " failed: " + e, e);
            }
        }
        return new Sample<>(input, entry.target());
    }

    private static void closeQuietly(Object loaded, Throwable failure) {
        if (loaded instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * A digest of the sample list (each file's path relative to the root, and its class index) and the class
     * names: equal for the same folder listing, different when a file is added, removed, renamed or moved.
     */
    @Override
    public Optional<String> fingerprint() {
        String digest = fingerprint;
        if (digest == null) {
            long h = 0xcbf29ce484222325L;
            for (Entry e : samples) {
                for (char c : (root.relativize(e.path()) + "\u0000" + e.target() + "\n").toCharArray()) {
                    h = (h ^ c) * 0x100000001b3L;
                }
            }
            for (String c : classes) {
                for (char ch : (c + "\u0000").toCharArray()) {
                    h = (h ^ ch) * 0x100000001b3L;
                }
            }
            digest = String.format(java.util.Locale.ROOT, "DatasetFolder(%d samples, %d classes, %016x)", samples.size(),
                    classes.size(), h);
            fingerprint = digest;
        }
        return Optional.of(digest);
    }

    @Override
    public Optional<String> source(long index) {
        return index >= 0 && index < samples.size() ? Optional.of(samples.get((int) index).path().toString())
                : Optional.empty();
    }

    @Override
    public String toString() {
        return "DatasetFolder(" + root + ", " + samples.size() + " samples, " + classes.size() + " classes)";
    }

    // ------------------------------------------------------------------ builder

    /**
     * Options of a {@link DatasetFolder}.
     *
     * @param <L> what the loader returns
     * @param <X> input type after the transform
     */
    public static final class Builder<L, X> {
        private final Path root;
        private final Function<? super Path, ? extends L> loader;
        private Collection<String> extensions;
        private boolean extensionsDefault;
        private Predicate<? super Path> isValidFile;
        private SampleTransform<? super L, ? extends X> transform;
        private final boolean transformSet;
        private boolean allowEmpty;

        @SuppressWarnings("unchecked")
        Builder(Path root, Function<? super Path, ? extends L> loader, SampleTransform<? super L, ? extends X> t) {
            this.root = Objects.requireNonNull(root, "root");
            this.loader = Objects.requireNonNull(loader, "loader");
            this.transform = t != null ? t : (s, rng) -> (X) s;
            this.transformSet = t != null;
        }

        private <X2> Builder<L, X2> copy(SampleTransform<? super L, ? extends X2> t) {
            Builder<L, X2> b = new Builder<>(root, loader, t);
            b.extensions = extensions;
            b.extensionsDefault = extensionsDefault;
            b.isValidFile = isValidFile;
            b.allowEmpty = allowEmpty;
            return b;
        }

        Builder<L, X> defaultExtensions(Collection<String> ext) {
            this.extensions = List.copyOf(ext);
            this.extensionsDefault = true;
            return this;
        }

        /**
         * Keep files whose lower-cased path ends with one of these (for example {@code ".png"}).
         *
         * @param extensions keep files whose lower-cased path ends with one of these (for example {@code ".png"})
         * @return this builder
         */
        public Builder<L, X> extensions(Collection<String> extensions) {
            this.extensions = List.copyOf(extensions);
            this.extensionsDefault = false;
            return this;
        }

        /**
         * Keep files whose lower-cased path ends with one of these (for example {@code ".png"}).
         *
         * @param extensions keep files whose lower-cased path ends with one of these (for example {@code ".png"})
         * @return this builder
         */
        public Builder<L, X> extensions(String... extensions) {
            return extensions(List.of(extensions));
        }

        /**
         * Keep the files this predicate accepts, instead of filtering by extension (an {@code ImageFolder}'s
         * default extensions are then dropped; explicit extensions and a predicate together are an error).
         *
         * @param isValidFile keep the files this predicate accepts, instead of filtering by extension (an {@code
         *         ImageFolder}'s default extensions are then dropped; explicit extensions and a predicate together are
         *         an error)
         * @return this builder
         */
        public Builder<L, X> isValidFile(Predicate<? super Path> isValidFile) {
            this.isValidFile = Objects.requireNonNull(isValidFile, "isValidFile");
            return this;
        }

        /**
         * The transform applied to each loaded file, with the sample's random generator; replaces an earlier one.
         *
         * @param <R> the type of the transformed inputs
         * @param transform applied to each loaded file
         * @return this builder
         */
        public <R> Builder<L, R> transform(SampleTransform<? super L, ? extends R> transform) {
            return copy(Objects.requireNonNull(transform, "transform"));
        }

        /**
         * Accept classes without any valid file (default false: such a class is an error).
         *
         * @param allowEmpty accept classes without any valid file (default false: such a class is an error)
         * @return this builder
         */
        public Builder<L, X> allowEmpty(boolean allowEmpty) {
            this.allowEmpty = allowEmpty;
            return this;
        }

        /**
         * Lists the files and builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException for a missing root, a root without class folders, an empty class,
         *         or both/neither of extensions and isValidFile
         */
        public DatasetFolder<X> build() {
            if (isValidFile != null && extensions != null && !extensionsDefault) {
                throw new IllegalArgumentException("extensions and isValidFile cannot both be given: set one");
            }
            if (isValidFile != null) {
                extensions = null;
            }
            if (extensions == null && isValidFile == null) {
                throw new IllegalArgumentException("set extensions or isValidFile to choose the files of "
                        + root);
            }
            return new DatasetFolder<>(this);
        }
    }
}
