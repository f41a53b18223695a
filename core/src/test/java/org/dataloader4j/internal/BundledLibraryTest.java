package org.dataloader4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * A bundled native library loads when the build put it in the jar, and otherwise says why not: not in this build
 * (with what builds it), or turned off by its property.
 */
class BundledLibraryTest {
    private static final String PROPERTY = "dataloader4j.test.bundledLibrary";

    @Test
    void aLibraryThisBuildDoesNotHoldIsAbsentNamingTheResourceAndWhatBuildsIt() {
        BundledLibrary library = BundledLibrary.load(BundledLibraryTest.class, "libnot-built.so", PROPERTY,
                "install a compiler", e -> "denied");
        assertNull(library.lookup());
        assertEquals("native/" + BundledLibrary.platform() + "/libnot-built.so is not in this build (install a"
                + " compiler)", library.status());
    }

    @Test
    void itsPropertySetToFalseTurnsItOffBeforeLookingForIt() {
        System.setProperty(PROPERTY, "false");
        try {
            BundledLibrary library = BundledLibrary.load(BundledLibraryTest.class, "libdl4jrows.so", PROPERTY,
                    "install a compiler", e -> "denied");
            assertNull(library.lookup());
            assertEquals("turned off by -D" + PROPERTY + "=false", library.status());
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    @Test
    void theCoresOwnLibraryLoadsWhereTheBuildCompiledIt() {
        String resource = "native/" + BundledLibrary.platform() + "/libdl4jrows.so";
        assumeTrue(BundledLibrary.class.getClassLoader().getResource(resource) != null,
                "this build compiled no native row gather (no C compiler)");
        BundledLibrary library = BundledLibrary.load(BundledLibrary.class, "libdl4jrows.so", PROPERTY,
                "install a compiler", e -> "denied");
        assertNotNull(library.lookup(), library.status());
        assertTrue(library.lookup().find("dl4j_gather_rows").isPresent(), library.status());
        assertTrue(library.status().startsWith("loaded "), library.status());
    }

    @Test
    void platformNamesTheSystemAndTheArchitecture() {
        assertTrue(BundledLibrary.platform().matches("[a-z0-9_]+-[a-z0-9_]+"), BundledLibrary.platform());
    }
}
