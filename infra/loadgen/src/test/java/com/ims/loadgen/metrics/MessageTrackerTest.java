package com.ims.loadgen.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTrackerTest {

    @Test
    void countsLossDuplicatesAndArrivalsBeforeThePublisherKnewTheId() {
        MessageTracker t = new MessageTracker();
        assertThat(t.received("a", 0)).isTrue();      // arrives before the 202 answer was read
        t.expect("a", 3);
        assertThat(t.received("a", 0)).isFalse();     // redelivery
        assertThat(t.received("a", 7000)).isTrue();
        t.expect("b", 1);
        assertThat(t.complete()).isFalse();
        assertThat(t.received("b", 2)).isTrue();
        assertThat(t.received("stray", 1)).isTrue();  // never published by this run

        MessageTracker.Tally tally = t.tally();
        assertThat(tally.messages()).isEqualTo(2);
        assertThat(tally.expected()).isEqualTo(4);
        assertThat(tally.delivered()).isEqualTo(3);
        assertThat(tally.lost()).isEqualTo(1);
        assertThat(tally.lostSample()).containsExactly("a");
        assertThat(tally.unexpected()).isEqualTo(1);

        t.received("a", 5);
        assertThat(t.complete()).isTrue();
    }

    @Test
    void latencyWindowsTakeFramesByTheirServerTimestamp() {
        LatencyBook book = new LatencyBook();
        LatencyBook.Window first = book.openWindow("100", 1_000, 2_000);
        LatencyBook.Window second = book.openWindow("200", 2_000, 3_000);
        book.record(1_500, 1_510_000);   // 10 ms
        book.record(2_500, 2_700_000);   // 200 ms, arrives "in" nothing later but belongs to the second window
        book.record(2_999, 2_998_000);   // clock truncation never yields a negative latency
        assertThat(first.summary().count()).isEqualTo(1);
        assertThat(first.summary().p99Ms()).isEqualTo(10.0);
        assertThat(second.summary().count()).isEqualTo(2);
        assertThat(second.summary().maxMs()).isBetween(199.0, 201.0);
        assertThat(book.summary().count()).isEqualTo(3);
    }
}
