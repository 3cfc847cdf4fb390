package com.ims.gateway.inbound;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InboundRulesTest {

    @Test
    void limiterAllowsTheBurstRefusesTheRestAndDisconnectsPastTheFloodRule() {
        InboundLimiter limiter = InboundLimiter.create("c", InboundLimiter.sharedConfig(5), 3, Duration.ofSeconds(5));
        long now = 1_000;
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.admit(now)).isEqualTo(InboundLimiter.Verdict.ALLOW);
        }
        for (int i = 0; i < 15; i++) {
            assertThat(limiter.admit(now)).isEqualTo(InboundLimiter.Verdict.REFUSE);
        }
        assertThat(limiter.admit(now)).isEqualTo(InboundLimiter.Verdict.DISCONNECT);
    }

    @Test
    void framesAPeriodApartNeedNoLimiterAndAFasterClientGetsTheSameBurst() {
        InboundLimiter limiter = InboundLimiter.create("c", InboundLimiter.sharedConfig(5), 3, Duration.ofSeconds(5));
        // An idle connection's pongs, one per heartbeat: always allowed, and no resilience4j limiter is made for them.
        for (long now = 1_000; now < 200_000; now += 30_000) {
            assertThat(limiter.admit(now)).isEqualTo(InboundLimiter.Verdict.ALLOW);
        }
        assertThat(limiter.started()).isFalse();
        // Then a burst: the frame that made the limiter and the one before it share one burst of 5, the rest is refused.
        long now = 300_000;
        assertThat(limiter.admit(now)).isEqualTo(InboundLimiter.Verdict.ALLOW);
        for (int i = 0; i < 4; i++) {
            assertThat(limiter.admit(now + 10)).isEqualTo(InboundLimiter.Verdict.ALLOW);
        }
        assertThat(limiter.started()).isTrue();
        assertThat(limiter.admit(now + 20)).isEqualTo(InboundLimiter.Verdict.REFUSE);
    }

    @Test
    void assemblerJoinsPartsAndRefusesPastTheLimit() {
        FrameAssembler assembler = new FrameAssembler(10);
        assertThat(assembler.accept("abc", false)).isInstanceOf(FrameAssembler.Result.Incomplete.class);
        assertThat(assembler.accept("def", true)).isEqualTo(new FrameAssembler.Result.Complete("abcdef"));
        assertThat(assembler.accept("123456", false)).isInstanceOf(FrameAssembler.Result.Incomplete.class);
        assertThat(assembler.accept("78901", true)).isInstanceOf(FrameAssembler.Result.TooBig.class);
        // After a refusal the assembler starts clean.
        assertThat(assembler.accept("ok", true)).isEqualTo(new FrameAssembler.Result.Complete("ok"));
    }

    @Test
    void assemblerCountsBinaryPartsAgainstTheSameLimitWithoutKeepingThem() {
        FrameAssembler assembler = new FrameAssembler(10);
        assertThat(assembler.acceptBinary(6, false)).isInstanceOf(FrameAssembler.Result.Incomplete.class);
        assertThat(assembler.acceptBinary(4, true)).isInstanceOf(FrameAssembler.Result.BinaryComplete.class);
        assertThat(assembler.acceptBinary(8, false)).isInstanceOf(FrameAssembler.Result.Incomplete.class);
        assertThat(assembler.acceptBinary(8, false)).isEqualTo(new FrameAssembler.Result.TooBig(16));
        assertThat(assembler.accept("ok", true)).isEqualTo(new FrameAssembler.Result.Complete("ok"));
    }

    @Test
    void utf8LengthCountsMultiByteCharacters() {
        assertThat(FrameAssembler.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
    }
}
