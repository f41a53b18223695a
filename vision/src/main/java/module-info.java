/**
 * dataloader4j's images: decoding (ImageIO with the TwelveMonkeys plugins, and native libjpeg-turbo and libwebp
 * through {@code java.lang.foreign}), {@code ImageFolder}/{@code DatasetFolder} and torchvision's transforms.
 *
 * <p>The native decoders need native access: on the module path pass
 * {@code --enable-native-access=org.dataloader4j.vision} (with {@code org.dataloader4j.core} for pinned and
 * mapped batch memory), on the class path {@code --enable-native-access=ALL-UNNAMED}. Without it JDK 25 prints a
 * warning about restricted methods on first use; with {@code --illegal-native-access=deny} the pure-Java decoders
 * are used and {@code Decoders.describe()} says why. {@code org.dataloader4j.vision.internal} is not exported.
 */
module org.dataloader4j.vision {
    requires transitive org.dataloader4j.core;
    requires transitive java.desktop;
    // ImageIO plugins, found through ImageIO's service registry: CMYK/YCCK JPEG and WebP (see vision/pom.xml).
    requires com.twelvemonkeys.imageio.jpeg;
    requires com.twelvemonkeys.imageio.webp;

    exports org.dataloader4j.vision;
    exports org.dataloader4j.vision.transforms;
}
