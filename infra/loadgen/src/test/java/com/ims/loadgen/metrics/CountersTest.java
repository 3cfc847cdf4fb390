package com.ims.loadgen.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CountersTest {

    @Test
    void failedAttemptsAreTalliedByCloseCodeInCodeOrder() {
        Counters counters = new Counters();
        assertThat(counters.failuresByCode()).isEmpty();
        counters.connectFailed(1012);
        counters.connectFailed(-1);
        counters.connectFailed(-1);
        assertThat(counters.failuresByCode()).isEqualTo("-1: 2, 1012: 1");
        assertThat(counters.connectFailures.sum()).isEqualTo(3);
    }
}
