package org.dataloader4j.vision.internal;

/**
 * Internal, not an API: whether the JVM lets the vision module call native code ({@code java.lang.foreign}'s
 * restricted methods, JEP 472), and the flag that allows it. On the module path the module is
 * {@code org.dataloader4j.vision} and {@code --enable-native-access=org.dataloader4j.vision} enables it; on the
 * class path the code is in the unnamed module and {@code --enable-native-access=ALL-UNNAMED} (or the manifest
 * attribute {@code Enable-Native-Access: ALL-UNNAMED} of an executable jar) enables it. Without the flag JDK 25 warns
 * on the first restricted call and goes on; with {@code --illegal-native-access=deny} the call throws
 * {@link IllegalCallerException}, which the native paths catch ({@link #denied}) to fall back to pure Java.
 *
 * <pre>{@code
 * String line = NativeAccess.describe();   // "enabled for module org.dataloader4j.vision"
 * }</pre>
 */
public final class NativeAccess {
    /**
     * Read before the module's first restricted call (the native paths touch this class first): in JDK 25's default
     * mode the first call prints the warning and then enables native access for the module, so a later look would
     * say "enabled".
     */
    private static final boolean ENABLED_AT_START = NativeAccess.class.getModule().isNativeAccessEnabled();
    private static volatile String denial;

    private NativeAccess() {
    }

    /**
     * Whether native access was enabled for the module that holds the vision classes before it made its first
     * restricted call: by {@code --enable-native-access} or the {@code Enable-Native-Access} manifest attribute.
     */
    public static boolean enabled() {
        return ENABLED_AT_START;
    }

    /** The command-line flag that enables native access for the vision classes where they are now loaded. */
    public static String flag() {
        Module module = NativeAccess.class.getModule();
        return "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
    }

    /**
     * Records that the JVM refused a restricted call, and returns the reason to report in place of a library's
     * status: native access was denied, and the flag that would enable it.
     */
    public static String denied(IllegalCallerException e) {
        denial = e.getMessage();
        return "native access denied (" + e.getMessage() + "); pass " + flag() + " to use it";
    }

    /**
     * One line: enabled (and for which module), denied (the native decoders are off; the JVM's reason and the flag
     * that enables it), or not enabled (the JVM prints a restricted-method warning when the native decoders are first
     * loaded, and the flag that silences it).
     */
    public static String describe() {
        Module module = NativeAccess.class.getModule();
        String where = module.isNamed() ? "module " + module.getName() : "the class path (unnamed module)";
        if (enabled()) {
            return "enabled for " + where;
        }
        String why = denial;
        if (why != null) {
            return "denied for " + where + " (" + why + "), so the native decoders are off; pass " + flag()
                    + " to use them";
        }
        return "not enabled for " + where + ": the JVM " + (module.isNativeAccessEnabled() ? "warned" : "warns")
                + " about restricted methods when the native decoders load (pass " + flag()
                + " to enable it and silence the warning)";
    }
}
