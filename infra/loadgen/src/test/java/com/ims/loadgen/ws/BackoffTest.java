package com.ims.loadgen.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(1000, 30_000, 1000);

    @RepeatedTest(20)
    void delayIsFullJitterUnderTheExponentialCeilingAndAboveTheFloor() {
        assertThat(backoff.delayMs(0)).isBetween(100L, 1000L);
        assertThat(backoff.delayMs(3)).isBetween(100L, 8000L);
        assertThat(backoff.delayMs(40)).isBetween(100L, 30_000L);
    }

    @RepeatedTest(20)
    void serverRequestedReconnectsArePrompt() {
        assertThat(backoff.delayAfterClose(1012, 9)).isBetween(100L, 1100L);
        assertThat(backoff.delayAfterClose(1006, 0)).isBetween(100L, 1000L);
    }

    @Test
    void floorNeverExceedsMinDelay() {
        assertThat(new Backoff(10, 20, 0).delayMs(0)).isEqualTo(10);
    }

    @Test
    void refusesInvertedBounds() {
        assertThatThrownBy(() -> new Backoff(5000, 1000, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
