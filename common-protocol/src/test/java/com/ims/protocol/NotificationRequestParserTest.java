package com.ims.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationRequestParserTest {

    private final NotificationRequestParser parser = new NotificationRequestParser(() -> "GEN");

    @Test
    void acceptsTheSeedRecordWithDefaults() {
        RequestValidation v = parser.parse("{\"targetType\":\"user\",\"target\":\"u1\",\"payload\":{\"a\":1}}");
        assertThat(v).isInstanceOf(RequestValidation.Valid.class);
        NotificationRequest r = ((RequestValidation.Valid) v).request();
        assertThat(r.targetType()).isEqualTo(TargetType.USER);
        assertThat(r.type()).isEqualTo("notification");
        assertThat(r.id()).isEqualTo("GEN");
        assertThat(r.tenant()).isEqualTo("default");
        assertThat(r.persistent()).isTrue();
        assertThat(r.ttlSeconds()).isNull();
        assertThat(r.payload().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void allNeedsNoTarget() {
        RequestValidation v = parser.parse("{\"targetType\":\"all\",\"payload\":{},\"tenant\":\"acme\",\"ttlSeconds\":60,\"persistent\":false}");
        NotificationRequest r = ((RequestValidation.Valid) v).request();
        assertThat(r.target()).isNull();
        assertThat(r.tenant()).isEqualTo("acme");
        assertThat(r.ttlSeconds()).isEqualTo(60);
        assertThat(r.persistent()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                                        | body",
        "[]                                                              | body",
        "{\"payload\":{}}                                                | targetType",
        "{\"targetType\":\"group\",\"payload\":{}}                       | targetType",
        "{\"targetType\":\"user\",\"payload\":{}}                        | target",
        "{\"targetType\":\"user\",\"target\":\"\",\"payload\":{}}        | target",
        "{\"targetType\":\"user\",\"target\":\"u\"}                      | payload",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":[1]}      | payload",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"type\":\"ping\"}      | type",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"type\":\"a b\"}       | type",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"id\":5}               | id",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"tenant\":\"\"}        | tenant",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"persistent\":\"yes\"} | persistent",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"ttlSeconds\":0}       | ttlSeconds",
        "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"ttlSeconds\":1.5}     | ttlSeconds",
    })
    void namesTheBadField(String body, String field) {
        RequestValidation v = parser.parse(body.trim());
        assertThat(v).isInstanceOf(RequestValidation.Invalid.class);
        assertThat(((RequestValidation.Invalid) v).field()).isEqualTo(field);
    }

    @Test
    void roundTripsThroughItsWireForm() {
        NotificationRequest r = ((RequestValidation.Valid) parser.parse(
                "{\"targetType\":\"role\",\"target\":\"ops\",\"payload\":{\"x\":[1,2]},\"id\":\"k-1\",\"ttlSeconds\":5}")).request();
        NotificationRequest again = ((RequestValidation.Valid) parser.validate(r.toJson())).request();
        assertThat(again).isEqualTo(r);
    }
}
