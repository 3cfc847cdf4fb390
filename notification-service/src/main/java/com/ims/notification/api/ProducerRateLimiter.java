package com.ims.notification.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;

/**
 * A request rate limit per producer ({@code sub} of its token), so one noisy service cannot starve the others.
 *
 * @implNote Limiters live in a size-bounded cache that drops the least recently used, so arbitrary subjects cannot grow
 *     memory; a dropped producer simply starts with a fresh full bucket.
 */
public class ProducerRateLimiter {

    private final Cache<String, RateLimiter> limiters;
    private final RateLimiterConfig config;

    public ProducerRateLimiter(int perSecond, int maxProducers) {
        this.config = RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
        this.limiters = Caffeine.newBuilder().maximumSize(maxProducers).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    /** True when the producer may send one more request now. */
    public boolean tryAcquire(String producer) {
        return limiters.get(producer, p -> RateLimiter.of("producer-" + p, config)).acquirePermission();
    }

    /** Seconds until the bucket refills, for {@code Retry-After}. */
    public long retryAfterSeconds() {
        return Math.max(1, config.getLimitRefreshPeriod().toSeconds());
    }
}
