package com.ims.devplatform.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ConcurrentModificationException;
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
}
