package com.ims.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random bytes and random JSON at both decoders: nothing escapes, every input gets a well-formed answer. */
class DecoderFuzzTest {

    private final NotificationRequestParser parser = new NotificationRequestParser();

    @Property(tries = 2000)
    void frameDecoderAnswersAnyString(@ForAll String text) {
        Decoded d = FrameCodec.decode(text);
        assertThat(d).isNotNull();
        if (d instanceof Decoded.Malformed m) {
            assertThat(m.message()).isNotBlank();
            // The error frame we would send back must itself be valid JSON.
            assertThat(Json.tree(FrameCodec.error(ErrorCodes.BAD_MESSAGE, m.message(), 0)).isObject()).isTrue();
        }
    }

    @Property(tries = 2000)
    void requestParserAnswersAnyBytes(@ForAll byte[] bytes) {
        RequestValidation v = parser.parse(bytes);
        assertThat(v).isNotNull();
        if (v instanceof RequestValidation.Invalid i) {
            assertThat(i.field()).isNotBlank();
        }
    }

    @Property(tries = 3000)
    void bothAnswerRandomJson(@ForAll("jsonDocuments") String json) {
        assertThat(FrameCodec.decode(json)).isNotNull();
        RequestValidation v = parser.parse(json.getBytes(StandardCharsets.UTF_8));
        if (v instanceof RequestValidation.Valid valid) {
            assertThat(valid.request().payload().isObject()).isTrue();
            assertThat(valid.request().id()).isNotBlank();
        } else {
            assertThat(((RequestValidation.Invalid) v).message()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> jsonDocuments() {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> Json.toString(s)),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "0"),
                Arbitraries.of("true", "false", "null", "{}", "[]"),
                Arbitraries.of("\"user\"", "\"role\"", "\"all\"", "\"ping\"", "\"ack\""));
        Arbitrary<String> keys = Arbitraries.of("targetType", "target", "payload", "type", "id", "tenant",
                "persistent", "ttlSeconds", "timestamp", "x");
        Arbitrary<String> member = keys.flatMap(k -> scalars.map(v -> Json.toString(k) + ":" + v));
        Arbitrary<String> object = member.list().ofMaxSize(8).map(ms -> "{" + String.join(",", ms) + "}");
        return Arbitraries.oneOf(object, object.map(o -> "{\"payload\":" + o + ",\"targetType\":\"all\"}"), scalars);
    }
}
