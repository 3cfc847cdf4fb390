package com.ims.loadgen.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A HotSpot JVM's own time accounts, read from its performance-counter file ({@code /tmp/hsperfdata_<user>/<pid>},
 * what {@code jstat} reads): how long its JIT compilers have worked and its collector has paused it so far.
 *
 * @implNote Why: a fan-out probe on 2026-12-01 found the JIT compilers still at work 140–190 s into a fan-out run (0.2
 *     to 2.2 s of compile time per 11 s in notification-service and the dev platform), so a measured minute after a short
 *     warm-up counted compilation as the platform's cost per delivery. The load generator now reports each JVM's
 *     compile and GC time over the measured window beside its CPU, so a run shows whether it was warm. Reading the
 *     file costs nothing in the target JVM, unlike {@code jcmd}, which starts a JVM of its own on the same cores.
 */
public final class JvmCounters {

    /**
     * Compile time and GC pause time in microseconds; -1 each when the JVM's counters cannot be read. Compile time is
     * the compilations' elapsed time (an upper bound on the compilers' CPU on a busy machine); the GC counters hold
     * pauses only, not the work of a concurrent collector's own threads.
     */
    public record Times(long compileMicros, long gcMicros) {

        public static final Times UNKNOWN = new Times(-1, -1);

        public boolean known() {
            return compileMicros >= 0 && gcMicros >= 0;
        }
    }

    private static final int MAGIC = 0xcafec0c0;
    private static final String FREQUENCY = "sun.os.hrt.frequency";
    private static final String COMPILE_TIME = "java.ci.totalTime";
    private static final String GC_PREFIX = "sun.gc.collector.";

    private JvmCounters() {
    }

    /** The JVM's compile and GC time so far; {@link Times#UNKNOWN} if it is not a HotSpot JVM with counters. */
    public static Times times(long pid) {
        try {
            Path file = file(pid);
            if (file == null) {
                return Times.UNKNOWN;
            }
            return times(parse(ByteBuffer.wrap(Files.readAllBytes(file))));
        } catch (IOException | RuntimeException e) {
            return Times.UNKNOWN;
        }
    }

    static Times times(Map<String, Long> counters) {
        Long frequency = counters.get(FREQUENCY);
        Long compile = counters.get(COMPILE_TIME);
        if (frequency == null || frequency <= 0 || compile == null) {
            return Times.UNKNOWN;
        }
        long gcTicks = 0;
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            // sun.gc.collector.<n>.time: one per collector (young, full, and G1's remark and cleanup pauses)
            if (e.getKey().startsWith(GC_PREFIX) && e.getKey().endsWith(".time")) {
                gcTicks += e.getValue();
            }
        }
        return new Times(micros(compile, frequency), micros(gcTicks, frequency));
    }

    private static long micros(long ticks, long frequency) {
        return (long) (ticks * 1_000_000.0 / frequency);
    }

    /** {@code <pid>} in any user's hsperfdata directory under /tmp, or null. */
    private static Path file(long pid) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/tmp"), "hsperfdata_*")) {
            for (Path dir : dirs) {
                Path f = dir.resolve(Long.toString(pid));
                if (Files.isRegularFile(f)) {
                    return f;
                }
            }
        }
        return null;
    }

    /**
     * The scalar long counters of a performance-data buffer (HotSpot's {@code PerfDataPrologue}, version 2: magic,
     * big-endian; byte order; versions; entry offset at 24 and entry count at 28; then entries of {@code length,
     * name offset, vector length, type, flags, units, variability, data offset}, in the buffer's byte order).
     */
    static Map<String, Long> parse(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a HotSpot performance-data buffer");
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int offset = b.getInt(24);
        int entries = b.getInt(28);
        Map<String, Long> out = new HashMap<>(entries * 2);
        for (int i = 0; i < entries && offset + 20 <= b.limit(); i++) {
            int length = b.getInt(offset);
            if (length <= 0) {
                break;
            }
            int nameOffset = b.getInt(offset + 4);
            int vectorLength = b.getInt(offset + 8);
            byte type = b.get(offset + 12);
            int dataOffset = b.getInt(offset + 16);
            if (type == 'J' && vectorLength == 0) {
                out.put(name(b, offset + nameOffset), b.getLong(offset + dataOffset));
            }
            offset += length;
        }
        return out;
    }

    private static String name(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
