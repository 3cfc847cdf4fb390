package com.ims.devplatform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A document changed while its page is written is encoded again from the start, never half of one attempt and half of the next. */
class BsonDocumentTypeTest {

    @Test
    void anEncodingInterruptedByAConcurrentChangeStartsAgainFromAnEmptyBuffer() throws Exception {
        Document document = new Document("_id", "d1").append("status", "ACKED");
        AtomicInteger calls = new AtomicInteger();
        ByteBuf bson = Unpooled.buffer();

        BsonDocumentType.encode(document, bson, (doc, out) -> {
            if (calls.incrementAndGet() < 3) {
                out.writeBytes(new byte[] {1, 2, 3}); // a partial write, then the change is noticed
                throw new ConcurrentModificationException();
            }
            BsonEncoder.encodeDocument(doc, out);
        });

        assertThat(calls).hasValue(3);
        assertThat(BsonDecoder.decodeBson(bson)).isEqualTo(document);
    }

    @Test
    void aDocumentThatNeverStopsChangingFailsLoudlyInsteadOfLoopingForever() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> BsonDocumentType.encode(new Document("_id", "d2"), Unpooled.buffer(), (doc, out) -> {
            calls.incrementAndGet();
            throw new ConcurrentModificationException();
        })).isInstanceOf(ConcurrentModificationException.class);
        assertThat(calls).hasValue(BsonDocumentType.MAX_ATTEMPTS);
    }

    @Test
    void aDocumentsMemoryCountsTheElementsOfItsArrays() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            users.add("user-" + i);
        }
        Document group = new Document("_id", "m#0").append("users", users).append("status", new ArrayList<>(users))
                .append("nested", new Document("a", List.of(new Document("b", 1), new Document("c", 2))));
        Document small = new Document("_id", "m#1").append("users", List.of("one"));

        assertThat(BsonDocumentType.INSTANCE.getMemory(group))
                .as("two arrays of 1,000 count as 2,000 values, not as two fields")
                .isGreaterThan(48 * 2_000)
                .isGreaterThan(100 * BsonDocumentType.INSTANCE.getMemory(small) / 2);
    }

    @Test
    void memoryCountsLongStringsAndBinariesByTheirLength() {
        // a fan-out group's compact form: one letter per recipient, 8 bytes per recipient's time
        Document compact = new Document("_id", "m#0").append("status", "P".repeat(1_000))
                .append("deliveredAt", new BinData(new byte[8_000])).append("ackedAt", new BinData(new byte[8_000]));
        Document small = new Document("_id", "m#1").append("status", "P").append("ackedAt", new BinData(new byte[8]));

        assertThat(BsonDocumentType.INSTANCE.getMemory(compact))
                .as("17 KB of values count as about that, not as four fields")
                .isGreaterThan(17_000)
                .isGreaterThan(50 * BsonDocumentType.INSTANCE.getMemory(small));
    }
}
