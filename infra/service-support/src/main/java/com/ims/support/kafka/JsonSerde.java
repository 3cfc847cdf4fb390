package com.ims.support.kafka;

import com.ims.protocol.Json;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer for the protocol records, through the protocol's one mapper. Consumers read {@code byte[]} and decode
 * at the edge, so that one bad record becomes a DLT entry instead of a deserialization loop.
 */
public final class JsonSerde {

    private JsonSerde() {
    }

    public static <T> Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : Json.toBytes(data);
    }
}
