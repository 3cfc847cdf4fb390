package com.ims.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.ReplayPage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The paged-replay fields on the wire, and records of gateways and services from before paged replay. */
class ReplayPageJsonTest {

    @Test
    void aReplayMoreRecordAndTheReplayNextEventCarryThePageAcrossTheWire() {
        ReplayPage next = ReplayPage.first(500, 524_288).next(41, 500);
        GatewayDelivery more = GatewayDelivery.replayMore("t", "u", "c1", next);
        GatewayDelivery readMore = Json.fromBytes(Json.toBytes(more), GatewayDelivery.class);
        assertThat(readMore).isEqualTo(more);
        assertThat(readMore.replayPage().afterSeq()).isEqualTo(41);
        assertThat(readMore.replayPage().replayed()).isEqualTo(500);
        assertThat(new String(Json.toBytes(next), StandardCharsets.UTF_8)).as("only the four fields")
                .doesNotContain("first");

        PresenceEvent ask = PresenceEvent.replayNext("g", "t", "u", "c1", 5, readMore.replayPage());
        assertThat(Json.fromBytes(Json.toBytes(ask), PresenceEvent.class)).isEqualTo(ask);
    }

    @Test
    void recordsWithoutAPageAreReadAsUnpagedAsBefore() {
        PresenceEvent connected = Json.fromBytes(("{\"kind\":\"CONNECTED\",\"gatewayId\":\"g\",\"tenant\":\"t\","
                + "\"userId\":\"u\",\"clientId\":\"c\",\"roles\":[],\"at\":1,\"leaseMillis\":0}")
                .getBytes(StandardCharsets.UTF_8), PresenceEvent.class);
        assertThat(connected.replayPage()).isNull();
        GatewayDelivery done = Json.fromBytes(Json.toBytes(GatewayDelivery.replayDone("t", "u", "c")), GatewayDelivery.class);
        assertThat(done.replayPage()).isNull();
        assertThat(new String(Json.toBytes(done), StandardCharsets.UTF_8)).doesNotContain("replayPage");
        assertThat(PresenceEvent.connected("g", "t", "u", "c", List.of(), 1).replayPage()).isNull();
    }

    @Test
    void aPageHoldsAtLeastOneFrame() {
        assertThatThrownBy(() -> ReplayPage.first(0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReplayPage.first(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ReplayPage.first(10, 100).isFirst()).isTrue();
        assertThat(ReplayPage.first(10, 100).next(0, 1).isFirst()).isFalse();
    }
}
