package com.ims.loadgen.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmCountersTest {

    @Test
    void readsThisJvmsCompileAndGcTimeFromItsCounterFile() {
        JvmCounters.Times before = JvmCounters.times(ProcessHandle.current().pid());
        assertThat(before.known()).isTrue();
        assertThat(before.compileMicros()).isPositive(); // a JVM that ran JUnit has compiled something
        System.gc();
        JvmCounters.Times after = JvmCounters.times(ProcessHandle.current().pid());
        assertThat(after.gcMicros()).isGreaterThan(before.gcMicros());
        assertThat(after.compileMicros()).isGreaterThanOrEqualTo(before.compileMicros());
    }

    @Test
    void aProcessWithoutCountersIsUnknown() {
        assertThat(JvmCounters.times(Long.MAX_VALUE)).isEqualTo(JvmCounters.Times.UNKNOWN);
    }

    @Test
    void parsesScalarLongsInTheBuffersByteOrderAndSumsEveryCollector() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("sun.os.hrt.frequency", 1_000_000_000L);
        counters.put("java.ci.totalTime", 2_500_000_000L);
        counters.put("sun.gc.collector.0.time", 40_000_000L);
        counters.put("sun.gc.collector.1.time", 10_000_000L);
        counters.put("sun.gc.collector.0.invocations", 7L);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Map<String, Long> parsed = JvmCounters.parse(buffer(counters, order));
            assertThat(parsed).containsAllEntriesOf(counters).doesNotContainKey("sun.rt.vector");
            assertThat(JvmCounters.times(parsed)).isEqualTo(new JvmCounters.Times(2_500_000, 50_000));
        }
        assertThat(JvmCounters.times(Map.of("java.ci.totalTime", 1L))).isEqualTo(JvmCounters.Times.UNKNOWN);
        assertThatThrownBy(() -> JvmCounters.parse(ByteBuffer.allocate(64))).isInstanceOf(IllegalArgumentException.class);
    }

    /** A version-2 buffer as HotSpot writes it, with a vector entry that is to be skipped. */
    private static ByteBuffer buffer(Map<String, Long> longs, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.order(ByteOrder.BIG_ENDIAN).putInt(0, 0xcafec0c0);
        b.order(order);
        b.put(4, (byte) (order == ByteOrder.BIG_ENDIAN ? 0 : 1)).put(5, (byte) 2).put(6, (byte) 0).put(7, (byte) 1);
        b.putInt(24, 32).putInt(28, longs.size() + 1);
        int at = 32;
        at = entry(b, at, "sun.rt.vector", (byte) 'B', 8, new byte[8]);
        for (Map.Entry<String, Long> e : longs.entrySet()) {
            byte[] value = ByteBuffer.allocate(8).order(order).putLong(e.getValue()).array();
            at = entry(b, at, e.getKey(), (byte) 'J', 0, value);
        }
        return b;
    }

    private static int entry(ByteBuffer b, int at, String name, byte type, int vectorLength, byte[] data) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        int nameOffset = 20;
        int dataOffset = (nameOffset + n.length + 7) / 8 * 8;
        int length = dataOffset + data.length;
        b.putInt(at, length).putInt(at + 4, nameOffset).putInt(at + 8, vectorLength).put(at + 12, type)
                .putInt(at + 16, dataOffset);
        b.put(at + nameOffset, n);
        b.put(at + dataOffset, data);
        return at + length;
    }
}
