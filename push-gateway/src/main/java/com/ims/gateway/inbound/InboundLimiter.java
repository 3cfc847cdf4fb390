package com.ims.gateway.inbound;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * Inbound rate limit of one connection: {@code IMS_RATE_LIMIT} frames per second (burst of the same size), plus the
 * flood rule: more than {@code floodFactor × limit} refused frames within {@code floodWindow} closes the connection with
 * 4008. A polite client never comes near either; a flooder is cut off without touching anyone else.
 *
 * @implNote {@code RateLimiter.of(name, sharedConfig)} and not a {@code RateLimiterRegistry}: a registry keeps every
 *     limiter it ever made, and connections come and go by the million. The limiter dies with its connection, and is
 *     made only when a connection sends two frames within one refresh period (1 s): an idle connection, whose only
 *     frames are a pong every heartbeat interval, never pays for one (an {@code AtomicRateLimiter} with its state and
 *     event processor is a few hundred bytes, times every connection). Same verdicts: frames at least a refresh period
 *     apart always straddle a refresh, so a limiter (limit >= 1) would have granted each of them; the limiter made for
 *     the second frame is charged one permit for the first, so no period admits more than the limit. The flood counter
 *     and this bookkeeping are plain fields because a socket's inbound frames are handled one at a time.
 */
public final class InboundLimiter {

    /** What the gateway does with one inbound frame. */
    public enum Verdict { ALLOW, REFUSE, DISCONNECT }

    private final String name;
    private final RateLimiterConfig config;
    private final int maxRefusals;
    private final long windowMillis;
    private final long refreshMillis;
    /** Null until two frames come within one refresh period. */
    private RateLimiter limiter;
    /** When (the {@code now} of {@link #admit}) the last frame was admitted without a limiter; 0 before the first. */
    private long lastFrameAt;
    private long windowStart;
    private int refusals;

    public InboundLimiter(RateLimiter limiter, int maxRefusals, long windowMillis) {
        this(limiter.getName(), limiter.getRateLimiterConfig(), maxRefusals, windowMillis);
        this.limiter = limiter;
    }

    private InboundLimiter(String name, RateLimiterConfig config, int maxRefusals, long windowMillis) {
        this.name = name;
        this.config = config;
        this.maxRefusals = maxRefusals;
        this.windowMillis = windowMillis;
        this.refreshMillis = config.getLimitRefreshPeriod().toMillis();
    }

    /** The one config every connection's limiter shares: no waiting, {@code perSecond} permits refreshed each second. */
    public static RateLimiterConfig sharedConfig(int perSecond) {
        return RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
    }

    /** A limiter whose resilience4j {@link RateLimiter} is made when the client first sends faster than one frame per period. */
    public static InboundLimiter create(String name, RateLimiterConfig config, int floodFactor, Duration floodWindow) {
        return new InboundLimiter(name, config, config.getLimitForPeriod() * floodFactor, floodWindow.toMillis());
    }

    public Verdict admit(long now) {
        if (limiter == null) {
            // A clock step back makes the difference negative: the limiter is made, the strict side.
            if (lastFrameAt == 0 || now - lastFrameAt >= refreshMillis) {
                lastFrameAt = now;
                return Verdict.ALLOW;
            }
            limiter = RateLimiter.of(name, config);
            limiter.acquirePermission(); // the previous frame, admitted within this period
        }
        if (limiter.acquirePermission()) {
            return Verdict.ALLOW;
        }
        if (now - windowStart > windowMillis) {
            windowStart = now;
            refusals = 0;
        }
        refusals++;
        return refusals > maxRefusals ? Verdict.DISCONNECT : Verdict.REFUSE;
    }

    /** True once the client sent faster than one frame per refresh period and the resilience4j limiter exists. */
    public boolean started() {
        return limiter != null;
    }
}
