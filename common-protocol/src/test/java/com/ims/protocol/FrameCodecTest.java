package com.ims.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameCodecTest {

    @Test
    void decodesAClientAckWithManyIds() {
        Decoded decoded = FrameCodec.decode("{\"type\":\"ack\",\"timestamp\":5,\"payload\":{\"ids\":[\"a\",\"b\"]},\"extra\":1}");
        assertThat(decoded).isInstanceOf(Decoded.Frame.class);
        Envelope e = ((Decoded.Frame) decoded).envelope();
        assertThat(e.type()).isEqualTo("ack");
        assertThat(e.timestamp()).isEqualTo(5);
        assertThat(e.payload().get("ids").size()).isEqualTo(2);
    }

    @Test
    void refusesWhatIsNotAnEnvelope() {
        assertThat(FrameCodec.decode("not json")).isInstanceOf(Decoded.Malformed.class);
        assertThat(FrameCodec.decode("[1,2]")).isInstanceOf(Decoded.Malformed.class);
        assertThat(FrameCodec.decode("{\"payload\":{}}")).isInstanceOf(Decoded.Malformed.class);
        assertThat(FrameCodec.decode("{\"type\":\"ping\",\"payload\":3}")).isInstanceOf(Decoded.Malformed.class);
        assertThat(FrameCodec.decode("{\"type\":\"ping\",\"timestamp\":\"x\"}")).isInstanceOf(Decoded.Malformed.class);
        assertThat(FrameCodec.decode("")).isInstanceOf(Decoded.Malformed.class);
    }

    @Test
    void encodesWithoutNullIdAndInFieldOrder() {
        String frame = FrameCodec.encode("ping", 42);
        assertThat(frame).isEqualTo("{\"type\":\"ping\",\"timestamp\":42,\"payload\":{}}");
    }

    @Test
    void errorFrameCarriesCodeAndMessage() {
        String frame = FrameCodec.error(ErrorCodes.BAD_MESSAGE, "nope", 1);
        assertThat(frame).contains("\"code\":\"BAD_MESSAGE\"").contains("\"message\":\"nope\"").contains("\"type\":\"error\"");
    }

    @Test
    void idsAreTimeOrderedAndUnique() {
        String a = Ids.newId(1000);
        String b = Ids.newId(2000);
        assertThat(a).hasSize(26);
        assertThat(a.substring(0, 10)).isLessThan(b.substring(0, 10));
        assertThat(Ids.newId()).isNotEqualTo(Ids.newId());
    }

    @Test
    void userKeysNeverCollideAcrossPrefixes() {
        assertThat(new UserKey("t", "1").encoded()).isNotEqualTo(new UserKey("t", "12").encoded());
        assertThat(UserKey.decode(new UserKey("a", "b").encoded())).isEqualTo(new UserKey("a", "b"));
    }
}
