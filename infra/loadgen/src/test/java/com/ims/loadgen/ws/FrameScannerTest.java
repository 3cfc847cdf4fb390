package com.ims.loadgen.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameScannerTest {

    @Test
    void readsTheEnvelopeFieldsAndIgnoresTheSameNamesInsideThePayload() {
        FrameFields f = FrameScanner.scan("{\"type\":\"order_update\",\"payload\":{\"id\":\"inner\",\"timestamp\":1,"
                + "\"type\":\"x\",\"list\":[{\"id\":\"y\"},\"]}\"]},\"id\":\"01J-outer\",\"timestamp\":1764441600000}");
        assertThat(f).isEqualTo(new FrameFields("order_update", "01J-outer", 1764441600000L));
    }

    @Test
    void fireAndForgetFramesHaveNoIdAndMissingTimestampIsMinusOne() {
        assertThat(FrameScanner.scan(" { \"type\" : \"ping\" , \"payload\" : {} } "))
                .isEqualTo(new FrameFields("ping", null, -1));
    }

    @Test
    void honoursEscapesInStrings() {
        FrameFields f = FrameScanner.scan("{\"payload\":{\"t\":\"a\\\"}b\"},\"id\":\"q\\u0041\\\\\",\"type\":\"n\",\"timestamp\":5}");
        assertThat(f).isEqualTo(new FrameFields("n", "qA\\", 5));
    }

    @Test
    void skipsLiteralsAndNumbersOfOtherFields() {
        FrameFields f = FrameScanner.scan("{\"a\":true,\"b\":null,\"c\":-1.5e3,\"type\":\"t\",\"timestamp\":7}");
        assertThat(f).isEqualTo(new FrameFields("t", null, 7));
    }

    @Test
    void refusesWhatIsNotAnObject() {
        assertThatThrownBy(() -> FrameScanner.scan("[1,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameScanner.scan("{\"type\":\"x\"")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ackFrameListsIdsEscaped() {
        assertThat(ImsWire.ackFrame(java.util.List.of("a", "b\"c"), 42))
                .isEqualTo("{\"type\":\"ack\",\"timestamp\":42,\"payload\":{\"ids\":[\"a\",\"b\\\"c\"]}}");
    }
}
