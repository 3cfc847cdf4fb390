package com.ims.gateway.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTest {

    @Test
    void refusesTheFrameThatWouldPassTheFrameLimit() {
        OutboundQueue queue = new OutboundQueue(2, 1_000_000);
        OutboundFrame frame = OutboundFrame.control("{\"type\":\"x\"}");
        assertThat(queue.offer(frame)).isTrue();
        assertThat(queue.offer(frame)).isTrue();
        assertThat(queue.offer(frame)).isFalse();
        assertThat(queue.size()).isEqualTo(2);
        queue.poll();
        assertThat(queue.offer(frame)).isTrue();
    }

    @Test
    void refusesTheFrameThatWouldPassTheByteLimitAndKeepsCountsExact() {
        OutboundFrame frame = OutboundFrame.control("x".repeat(400));
        OutboundQueue queue = new OutboundQueue(100, 1000);
        assertThat(queue.offer(frame)).isTrue();
        assertThat(queue.offer(frame)).isTrue();
        assertThat(queue.offer(frame)).isFalse();
        assertThat(queue.bytes()).isEqualTo(800);
        assertThat(queue.size()).isEqualTo(2);
        queue.clear();
        assertThat(queue.bytes()).isZero();
        assertThat(queue.size()).isZero();
    }

    @Test
    void countsUtf8BytesNotChars() {
        OutboundFrame frame = OutboundFrame.control("é".repeat(10));
        assertThat(frame.bytes()).isEqualTo(20);
    }
}
