package com.ims.devplatform.store;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.function.BiConsumer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * Documents in an MVStore map as BSON, with mongo-java-server's own wire codec, instead of H2's default Java
 * serialization. Every commit writes each changed page whole, and every page read from the file decodes all its values,
 * so this codec runs on every write and every cold read.
 */
final class BsonDocumentType extends BasicDataType<Document> {

    static final BsonDocumentType INSTANCE = new BsonDocumentType();

    static final int MAX_ATTEMPTS = 100;
    private static final int MAX_DEPTH = 4;

    private BsonDocumentType() {
    }

    @Override
    public int getMemory(Document document) {
        // The page cache's accounting: decoded documents take several times their BSON size. Arrays count by their
        // elements: a fan-out group holds four arrays of 1,000, and counting its top-level fields only (as before)
        // put it at 1/250 of its size, so the cache held far more than its budget.
        try {
            return (int) Math.min(Integer.MAX_VALUE, 64 + 48 * values(document, 0));
        } catch (ConcurrentModificationException e) {
            return 64 + 48 * document.size(); // changing right now: the next put accounts for it again
        }
    }

    /** Values in the document, nested documents and arrays included, down to a few levels. */
    static long values(Object value, int depth) {
        Collection<?> children = value instanceof Document document ? document.values()
                : value instanceof Collection<?> collection ? collection : null;
        if (children == null || depth > MAX_DEPTH) {
            return flat(value);
        }
        long n = children.size();
        for (Object child : children) {
            if (child instanceof Document || child instanceof Collection<?>) {
                n += values(child, depth + 1);
            } else {
                n += flat(child) - 1; // beyond the one value counted above: a long string's or a binary's length
            }
        }
        return n;
    }

    /**
     * A long string or a binary as the values it stands for: a fan-out group keeps its recipients' status in a string
     * and their times in binaries of 8 KB, which counted as one value each would again put the group far under its size.
     */
    private static long flat(Object value) {
        int bytes = value instanceof BinData bin ? bin.getData().length
                : value instanceof byte[] raw ? raw.length
                : value instanceof String s ? s.length() : 0;
        return 1 + bytes / 48;
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = Unpooled.buffer(256);
        try {
            encode(document, bson);
            buffer.putVarInt(bson.readableBytes());
            buffer.put(bson.nioBuffer());
        } finally {
            bson.release();
        }
    }

    /**
     * Encodes into {@code bson}, again from the start if the document changed meanwhile.
     *
     * @implNote MVStore writes a page on its background thread while request threads go on. mongo-java-server replaces a
     *     document on update (it changes a deep clone), but a document that is still being changed when its page is
     *     written was seen once under load: the encoder's iterator failed, MVStore closed itself and writes were lost.
     *     Java serialization, the stock format, reads such a document without noticing, torn or not. Here the change is
     *     noticed and the encoding retried; the page is dirty again after any later put, so the final state is written
     *     by a later commit anyway.
     */
    static void encode(Document document, ByteBuf bson) {
        encode(document, bson, BsonEncoder::encodeDocument);
    }

    static void encode(Document document, ByteBuf bson, BiConsumer<Document, ByteBuf> encoder) {
        for (int attempt = 1; ; attempt++) {
            try {
                encoder.accept(document, bson);
                return;
            } catch (ConcurrentModificationException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                bson.clear();
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public Document read(ByteBuffer buffer) {
        int length = DataUtils.readVarInt(buffer);
        ByteBuffer slice = buffer.slice(buffer.position(), length);
        buffer.position(buffer.position() + length);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(slice));
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }
}
