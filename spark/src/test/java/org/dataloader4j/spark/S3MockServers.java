package org.dataloader4j.spark;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;

/** Adobe S3Mock for the tests that write through S3A: plain HTTP on 127.0.0.1, with the buckets given. */
final class S3MockServers {
    private S3MockServers() {
    }

    /**
     * The extension that starts S3Mock for a test class. S3Mock's embedded Tomcat would install the JVM's one
     * {@code URLStreamHandlerFactory}, which Spark's SQL state has already installed when a Spark test ran earlier in
     * the same JVM ("java.lang.Error: factory already defined"); Tomcat is told not to (S3Mock serves no
     * {@code war:} or {@code jar:} resources through it).
     */
    static S3MockExtension withBuckets(String... buckets) {
        TomcatURLStreamHandlerFactory.disable();
        return S3MockExtension.builder().silent().withSecureConnection(false).withInitialBuckets(buckets).build();
    }
}
