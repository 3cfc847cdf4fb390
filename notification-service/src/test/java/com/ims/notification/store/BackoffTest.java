package com.ims.notification.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesPerAttemptUpToTheCap() {
        Duration first = Duration.ofSeconds(30);
        Duration max = Duration.ofMinutes(10);
        assertThat(DeliveryStore.backoff(1, first, max)).isEqualTo(Duration.ofSeconds(30));
        assertThat(DeliveryStore.backoff(2, first, max)).isEqualTo(Duration.ofSeconds(60));
        assertThat(DeliveryStore.backoff(3, first, max)).isEqualTo(Duration.ofSeconds(120));
        assertThat(DeliveryStore.backoff(6, first, max)).isEqualTo(max);
        assertThat(DeliveryStore.backoff(1_000, first, max)).isEqualTo(max);
    }

    @Test
    void keysKeepTenantsApartEvenWithColonsInside() {
        assertThat(Keys.message("a:b", "c")).isNotEqualTo(Keys.message("a", "b:c"));
        assertThat(Keys.delivery(Keys.message("t", "m"), "u|v")).isEqualTo("t/m|u|v");
    }
}
