package com.ims.loadgen.publish;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLoopTest {

    @Test
    void aStopConditionEndsTheLoopBeforeItsDuration() {
        AtomicLong sent = new AtomicLong();
        long calls = RateLoop.run(1_000, Duration.ofMinutes(10), seq -> sent.incrementAndGet(), null,
                () -> sent.get() >= 25);
        assertThat(calls).isEqualTo(25).isEqualTo(sent.get());
    }

    @Test
    void withoutOneItRunsItsDurationAtItsRate() {
        long calls = RateLoop.run(1_000, Duration.ofMillis(50), seq -> { }, null);
        assertThat(calls).isEqualTo(50);
    }
}
