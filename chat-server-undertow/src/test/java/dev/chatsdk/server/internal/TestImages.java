package dev.chatsdk.server.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Builds test images in memory. */
public final class TestImages {
  private TestImages() {}

  /** An image of the given size and format ("png", "jpeg", "gif"), with a colored square. */
  public static byte[] image(int width, int height, String format) {
    boolean alpha = format.equals("png");
    BufferedImage img =
        new BufferedImage(
            width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillRect(width / 4, height / 4, Math.max(1, width / 2), Math.max(1, height / 2));
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A tiny PNG whose header claims {@code width x height} pixels: a valid signature and IHDR, then
   * a truncated IDAT. Decoding it would need gigabytes; reading the header does not.
   */
  public static byte[] pngHeaderClaiming(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 16);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width)
        .putInt(height)
        .put((byte) 8)
        .put((byte) 6)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    chunk(b, "IHDR", ihdr.array());
    chunk(b, "IDAT", new byte[] {0x78, (byte) 0x9c, 0, 0});
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  private static void chunk(ByteBuffer out, String type, byte[] data) {
    out.putInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.put(t);
    out.put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.putInt((int) crc.getValue());
  }

  /** A JPEG with an EXIF-like APP1 segment carrying {@code marker} text, and a trailing payload. */
  public static byte[] jpegWithMetadata(int width, int height, String marker) {
    byte[] jpeg = image(width, height, "jpeg");
    byte[] text = ("Exif\0\0" + marker).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2); // SOI
    out.write(0xFF);
    out.write(0xE1); // APP1
    int len = text.length + 2;
    out.write((len >> 8) & 0xFF);
    out.write(len & 0xFF);
    out.write(text, 0, text.length);
    out.write(jpeg, 2, jpeg.length - 2);
    byte[] trailer = ("<script>" + marker + "</script>").getBytes(StandardCharsets.US_ASCII);
    out.write(trailer, 0, trailer.length);
    return out.toByteArray();
  }
}
