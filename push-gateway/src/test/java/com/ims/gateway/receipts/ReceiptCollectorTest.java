package com.ims.gateway.receipts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.ims.protocol.UserKey;
import com.ims.protocol.internal.ReceiptBatch;
import com.ims.protocol.internal.ReceiptBatch.Kind;

/**
 * What leaves the gateway as receipts, by flush time: ACKED at once; DELIVERED held for at least the hold time and dropped
 * when the delivery's ACKED receipt comes meanwhile, early flushes included; everything on the last flush; DELIVERED
 * refused before ACKED when too many are pending.
 */
class ReceiptCollectorTest {

    private static final UserKey ANN = new UserKey("t", "ann");
    private final ReceiptCollector receipts = new ReceiptCollector("gw", 1_000, 100, () -> { });

    private static Map<Kind, List<String>> ids(List<ReceiptBatch> batches) {
        return batches.stream().collect(Collectors.groupingBy(ReceiptBatch::kind,
                Collectors.flatMapping(b -> b.receipts().stream().map(ReceiptBatch.Receipt::messageId), Collectors.toList())));
    }

    @Test
    void aDeliveredReceiptWaitsOneHoldAndIsDroppedWhenItsAckComesMeanwhile() {
        receipts.delivered(ANN, "m1");
        receipts.delivered(ANN, "m2");
        assertThat(ids(receipts.drain(1_000))).as("held, not sent").isEmpty();

        receipts.acked(ANN, "m1");
        assertThat(ids(receipts.drain(1_050))).as("an ack goes at once, before the hold is over")
                .isEqualTo(Map.of(Kind.ACKED, List.of("m1")));
        assertThat(ids(receipts.drain(1_100))).as("m2 was never acked: its DELIVERED receipt goes after the hold")
                .isEqualTo(Map.of(Kind.DELIVERED, List.of("m2")));
    }

    @Test
    void anAckInTheSameFlushAsItsDeliveryLeavesOnlyTheAck() {
        receipts.drain(1_000);
        receipts.delivered(ANN, "m3");
        receipts.acked(ANN, "m3");
        receipts.delivered(ANN, "m4");
        receipts.delivered(ANN, "m4"); // a second tab of the same user
        assertThat(ids(receipts.drain(1_100))).isEqualTo(Map.of(Kind.ACKED, List.of("m3")));
        assertThat(ids(receipts.drain(1_200))).isEqualTo(Map.of(Kind.DELIVERED, List.of("m4")));
        assertThat(ids(receipts.drain(1_300))).isEmpty();
    }

    @Test
    void flushesBeforeTheHoldIsOverSendAcksOnlyAndTheLastFlushSendsEverything() {
        receipts.drain(1_000);
        receipts.delivered(ANN, "m5");
        receipts.drain(1_100); // m5 held
        receipts.delivered(ANN, "m6");
        receipts.acked(ANN, "m7");
        assertThat(ids(receipts.drain(1_150))).as("a flush of a full batch, 50 ms after the last rotation")
                .isEqualTo(Map.of(Kind.ACKED, List.of("m7")));
        receipts.delivered(ANN, "m8");
        receipts.acked(ANN, "m8");
        assertThat(ids(receipts.drainAll(1_160))).as("the gateway stops")
                .isEqualTo(Map.of(Kind.DELIVERED, List.of("m5", "m6"), Kind.ACKED, List.of("m8")));
        assertThat(ids(receipts.drain(2_000))).isEmpty();
    }

    @Test
    void anAckTakenByAnEarlyFlushStillCancelsItsDeliveredReceipt() {
        receipts.drain(1_000);
        receipts.delivered(ANN, "m9");
        receipts.acked(ANN, "m9");
        assertThat(ids(receipts.drain(1_050))).as("a flush of a full batch").isEqualTo(Map.of(Kind.ACKED, List.of("m9")));
        assertThat(ids(receipts.drain(1_100))).isEmpty();
        assertThat(ids(receipts.drain(1_200))).isEmpty();
    }

    @Test
    void aClockSteppingBackDoesNotStallDeliveredReceipts() {
        receipts.drain(5_000);
        receipts.delivered(ANN, "m10");
        receipts.drain(5_050);
        assertThat(ids(receipts.drain(4_000))).as("the clock went back: a rotation").isEmpty();
        assertThat(ids(receipts.drain(4_100))).isEqualTo(Map.of(Kind.DELIVERED, List.of("m10")));
    }

    @Test
    void pastHalfTheBoundDeliveredReceiptsAreRefusedAndAckedOnesKeepTheirRoom() {
        ReceiptCollector small = new ReceiptCollector("gw", 1_000, 100, 10, () -> { });
        for (int i = 0; i < 6; i++) {
            small.delivered(ANN, "d" + i);
        }
        for (int i = 0; i < 6; i++) {
            small.acked(ANN, "a" + i);
        }
        assertThat(small.dropped()).as("one DELIVERED past 5, one ACKED past 10").isEqualTo(2);

        assertThat(ids(small.drain(1_000))).isEqualTo(Map.of(Kind.ACKED, List.of("a0", "a1", "a2", "a3", "a4")));
        small.delivered(ANN, "d9");
        assertThat(small.dropped()).as("the five held DELIVERED receipts still count").isEqualTo(3);
        small.acked(ANN, "a9");
        assertThat(small.dropped()).isEqualTo(3);
        assertThat(ids(small.drain(1_100))).isEqualTo(Map.of(Kind.DELIVERED, List.of("d0", "d1", "d2", "d3", "d4"),
                Kind.ACKED, List.of("a9")));
        small.delivered(ANN, "d10");
        assertThat(small.dropped()).as("room again once sent").isEqualTo(3);
    }
}
