package com.ims.notification.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UserDeliveryTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static UserDelivery delivery(DeliveryStatus status, Instant expiresAt) {
        return new UserDelivery("t/m", "m", 1, status, null, null, expiresAt);
    }

    @Test
    void openDeliveryPastItsExpiryReadsAsExpiredBeforeTheSweeperMarksIt() {
        assertThat(delivery(DeliveryStatus.PENDING, NOW).statusAt(NOW)).isEqualTo(DeliveryStatus.EXPIRED);
        assertThat(delivery(DeliveryStatus.DELIVERED, NOW.minusSeconds(1)).statusAt(NOW)).isEqualTo(DeliveryStatus.EXPIRED);
    }

    @Test
    void unexpiredOrClosedDeliveryKeepsItsStoredStatus() {
        assertThat(delivery(DeliveryStatus.PENDING, NOW.plusSeconds(1)).statusAt(NOW)).isEqualTo(DeliveryStatus.PENDING);
        assertThat(delivery(DeliveryStatus.DELIVERED, null).statusAt(NOW)).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(delivery(DeliveryStatus.ACKED, NOW.minusSeconds(60)).statusAt(NOW)).isEqualTo(DeliveryStatus.ACKED);
    }
}
