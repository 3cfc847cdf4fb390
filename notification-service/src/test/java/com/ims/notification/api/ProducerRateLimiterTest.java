package com.ims.notification.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProducerRateLimiterTest {

    @Test
    void limitsEachProducerSeparately() {
        ProducerRateLimiter limiter = new ProducerRateLimiter(5, 100);
        long allowed = IntStream.range(0, 20).filter(i -> limiter.tryAcquire("a")).count();
        assertThat(allowed).isEqualTo(5);
        assertThat(limiter.tryAcquire("b")).isTrue();
        assertThat(limiter.retryAfterSeconds()).isEqualTo(1);
    }
}
