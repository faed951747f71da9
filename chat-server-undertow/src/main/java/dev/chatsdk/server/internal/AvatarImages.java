package dev.chatsdk.server.internal;

import dev.chatsdk.api.ChatException;
import dev.chatsdk.api.ErrorCode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Turns an uploaded picture into a safe avatar: the type is sniffed from the bytes (PNG, JPEG,
 * GIF), the pixel dimensions are read from the header before anything is decoded (so a
 * decompression bomb is refused without allocating it), the image is decoded with subsampling and
 * re-encoded to at most {@value #MAX_SIDE}x{@value #MAX_SIDE} as PNG (when it has transparency) or
 * JPEG, from fresh pixels, so no metadata, comments or trailing bytes survive.
 *
 * <p>CPU-heavy: call it on a bounded worker executor, never on an IO thread. Thread-safe.
 */
public final class AvatarImages {
  /** The largest accepted upload: 5 MiB. */
  public static final int MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

  /** The longest side of a stored avatar, in pixels. */
  public static final int MAX_SIDE = 512;

  /** The longest side of an accepted source image, in pixels. */
  public static final int MAX_SOURCE_SIDE = 12_000;

  /** The most pixels an accepted source image may have (width x height). */
  public static final long MAX_SOURCE_PIXELS = 50_000_000L;

  private static final float JPEG_QUALITY = 0.88f;

  static {
    ImageIO.setUseCache(false); // never spill uploads to temporary files
  }

  private AvatarImages() {}

  /** A re-encoded avatar. */
  public record Avatar(byte[] bytes, String contentType, int width, int height) {
    public Avatar {
      Objects.requireNonNull(bytes, "bytes");
      Objects.requireNonNull(contentType, "contentType");
    }
  }

  /**
   * The media type the bytes start like.
   *
   * @throws ChatException {@code UNSUPPORTED_MEDIA_TYPE} for anything but PNG, JPEG and GIF
   */
  public static String sniff(byte[] data) {
    if (startsWith(data, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (startsWith(data, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(data, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(data, 'G', 'I', 'F', '8', '9', 'a')) {
      return "image/gif";
    }
    if (startsWith(data, 'R', 'I', 'F', 'F')
        && data.length >= 12
        && data[8] == 'W'
        && data[9] == 'E'
        && data[10] == 'B'
        && data[11] == 'P') {
      throw new ChatException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "avatar: WebP is not supported (expected: PNG, JPEG or GIF)");
    }
    throw new ChatException(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "avatar: content is not an image this server reads (expected: PNG, JPEG or GIF)");
  }

  /**
   * Validates and re-encodes an upload.
   *
   * @throws ChatException {@code TOO_LARGE} above {@link #MAX_UPLOAD_BYTES} or past the dimension
   *     limits, {@code UNSUPPORTED_MEDIA_TYPE} for other types or undecodable content
   */
  public static Avatar process(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (data.length > MAX_UPLOAD_BYTES) {
      throw new ChatException(
          ErrorCode.TOO_LARGE,
          "avatar: " + data.length + " bytes (expected: at most " + MAX_UPLOAD_BYTES + ")");
    }
    String type = sniff(data);
    String format = type.substring("image/".length());
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new ChatException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "avatar: no decoder for " + type + " on this server");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw undecodable(type);
      }
      checkDimensions(width, height);
      int longest = Math.max(width, height);
      // decode at most ~2x the target size: memory stays bounded whatever the source size
      int period = Math.max(1, longest / (2 * MAX_SIDE));
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(period, period, 0, 0);
      BufferedImage decoded;
      try {
        decoded = reader.read(0, param);
      } catch (IOException | RuntimeException e) {
        throw undecodable(type);
      }
      boolean alpha = decoded.getColorModel().hasAlpha() || !type.equals("image/jpeg");
      BufferedImage scaled = scale(decoded, alpha);
      return alpha ? encodePng(scaled) : encodeJpeg(scaled);
    } catch (IOException e) {
      throw undecodable(type);
    } finally {
      reader.dispose();
    }
  }

  /** Checks source dimensions read from a header, before decoding. */
  static void checkDimensions(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new ChatException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "avatar: " + width + "x" + height + " pixels (expected: a non-empty image)");
    }
    if (width > MAX_SOURCE_SIDE
        || height > MAX_SOURCE_SIDE
        || (long) width * height > MAX_SOURCE_PIXELS) {
      throw new ChatException(
          ErrorCode.TOO_LARGE,
          "avatar: "
              + width
              + "x"
              + height
              + " pixels (expected: at most "
              + MAX_SOURCE_SIDE
              + " per side and "
              + MAX_SOURCE_PIXELS
              + " pixels)");
    }
  }

  private static BufferedImage scale(BufferedImage src, boolean alpha) {
    int w = src.getWidth();
    int h = src.getHeight();
    double factor = Math.min(1.0, (double) MAX_SIDE / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * factor));
    int th = Math.max(1, (int) Math.round(h * factor));
    BufferedImage out =
        new BufferedImage(tw, th, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.drawImage(src, 0, 0, tw, th, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static Avatar encodePng(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    if (!ImageIO.write(image, "png", out)) {
      throw new ChatException(ErrorCode.INTERNAL, "avatar: no PNG encoder");
    }
    return new Avatar(out.toByteArray(), "image/png", image.getWidth(), image.getHeight());
  }

  private static Avatar encodeJpeg(BufferedImage image) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new ChatException(ErrorCode.INTERNAL, "avatar: no JPEG encoder");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      // default metadata for a plain RGB image: JFIF header only, nothing from the upload
      writer.write(
          null,
          new IIOImage(
              image, null, writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param)),
          param);
    } finally {
      writer.dispose();
    }
    return new Avatar(out.toByteArray(), "image/jpeg", image.getWidth(), image.getHeight());
  }

  private static ChatException undecodable(String type) {
    return new ChatException(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "avatar: content looks like " + type + " but cannot be decoded (expected: a valid image)");
  }

  private static boolean startsWith(byte[] data, int... prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((data[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
