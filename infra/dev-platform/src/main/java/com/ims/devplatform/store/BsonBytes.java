package com.ims.devplatform.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A document as the BSON bytes the store keeps, with mongo-java-server's own wire codec. On disk an MVStore value is
 * these bytes after their length ({@link org.h2.mvstore.type.ByteArrayDataType}), the format the store has written
 * since it stopped using Java serialization, so files written before keep opening as they are.
 */
final class BsonBytes {

    private BsonBytes() {
    }

    static byte[] encode(Document document) {
        ByteBuf bson = Unpooled.buffer(256);
        try {
            BsonEncoder.encodeDocument(document, bson);
            byte[] bytes = new byte[bson.readableBytes()];
            bson.readBytes(bytes);
            return bytes;
        } finally {
            bson.release();
        }
    }

    /** A new document each call: the caller may change it, the stored bytes stay as they are until written again. */
    static Document decode(byte[] bson) {
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
    }
}
