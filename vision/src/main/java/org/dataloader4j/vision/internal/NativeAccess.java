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
    private static volatile String denial;

    private NativeAccess() {
    }

    /** Whether native access is enabled for the module that holds the vision classes. */
    public static boolean enabled() {
        return NativeAccess.class.getModule().isNativeAccessEnabled();
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
        String why = "native access denied (" + e.getMessage() + "); pass " + flag() + " to use the native decoders";
        denial = why;
        return why;
    }

    /**
     * One line: enabled (and for which module), denied (the native decoders are off, and why), or not enabled (the
     * JVM prints a restricted-method warning when the native decoders are first loaded, and the flag that silences
     * it).
     */
    public static String describe() {
        Module module = NativeAccess.class.getModule();
        String where = module.isNamed() ? "module " + module.getName() : "the class path (unnamed module)";
        if (enabled()) {
            return "enabled for " + where;
        }
        String why = denial;
        if (why != null) {
            return why;
        }
        return "not enabled for " + where + ": the JVM warns about restricted methods when the native decoders"
                + " load (pass " + flag() + " to enable it and silence the warning)";
    }
}
