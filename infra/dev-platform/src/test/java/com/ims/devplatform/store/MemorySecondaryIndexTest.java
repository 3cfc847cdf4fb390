package com.ims.devplatform.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which queries an index takes: those that pin a leading run of its fields with nothing pinned after the first field
 * left open, so that mongo-java-server's first-fit choice does not read a whole tenant through
 * {@code (tenant, role, userId)} when {@code (tenant, userId)} pins the query exactly (the connect batches' read).
 */
class MemorySecondaryIndexTest {

    private static MemorySecondaryIndex index(String... fields) {
        return new MemorySecondaryIndex(String.join("_", fields),
                Arrays.stream(fields).map(f -> new IndexKey(f, true)).toList(), false);
    }

    private static Document query(Object... fieldsAndValues) {
        Document d = new Document();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            d.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return d;
    }

    @Test
    void anIndexDeclinesAQueryThatPinsAFieldBeyondAGapInItsLeadingFields() {
        MemorySecondaryIndex byRole = index("tenant", "role", "userId");
        MemorySecondaryIndex byUser = index("tenant", "userId");
        Document connectRead = query("tenant", "t", "userId", new Document("$in", List.of("a", "b")));

        assertThat(byRole.canHandle(connectRead)).as("role left open, userId pinned after it").isFalse();
        assertThat(byUser.canHandle(connectRead)).isTrue();
        assertThat(byRole.canHandle(query("tenant", "t", "role", "ops"))).isTrue();
        assertThat(byRole.canHandle(query("tenant", "t"))).as("a leading run, nothing after it").isTrue();
        assertThat(byRole.canHandle(query("tenant", "t", "userId", new Document("$gt", "a"))))
                .as("a range after the gap is not a pin").isTrue();
        assertThat(byRole.canHandle(query("role", "ops"))).as("no leading field pinned").isFalse();
    }

    @Test
    void theDollarAndFormTheJavaDriverWritesIsReadTheSameWay() {
        MemorySecondaryIndex byRole = index("tenant", "role", "userId");
        Document and = query("$and", List.of(query("tenant", "t"), query("userId", new Document("$in", List.of("a")))));
        assertThat(byRole.canHandle(and)).isFalse();
        assertThat(index("tenant", "userId").canHandle(and)).isTrue();
    }

    @Test
    void aKeyHoldsOneOrManyPositionsAndRemovalFindsTheDocumentsPositionByItsId() {
        MemorySecondaryIndex index = index("tenant", "status");
        Document a = query("_id", "a", "tenant", "t", "status", "PENDING");
        Document b = query("_id", "b", "tenant", "t", "status", "PENDING");
        Document c = query("_id", "c", "tenant", "t", "status", "ACKED");
        Document odd = query("_id", "x", "tenant", "t", "status", "ACKED");
        index.add(a, "a", null);
        index.add(b, "b", null);
        index.add(c, "c", null);
        index.add(odd, 42L, null); // a backend that positions documents by something else than their _id

        assertThat(index.getPositions(query("tenant", "t", "status", "PENDING"))).containsExactlyInAnyOrder("a", "b");
        assertThat(index.getPositions(query("tenant", "t"))).containsExactlyInAnyOrder("a", "b", "c", 42L);
        assertThat(index.getCount()).isEqualTo(4);

        assertThat(index.remove(a)).isEqualTo("a");
        assertThat(index.remove(a)).as("already gone").isNull();
        assertThat(index.remove(odd)).isEqualTo(42L);
        assertThat(index.getPositions(query("tenant", "t", "status", "PENDING"))).containsExactly("b");

        Document acked = query("_id", "b", "tenant", "t", "status", "ACKED");
        index.updateInPlace(b, acked, "b", null);
        assertThat(index.getPositions(query("tenant", "t", "status", "PENDING"))).isEmpty();
        assertThat(index.getPositions(query("tenant", "t", "status", "ACKED"))).containsExactlyInAnyOrder("b", "c");

        assertThat(index.remove(acked)).isEqualTo("b");
        assertThat(index.remove(c)).isEqualTo("c");
        assertThat(index.getCount()).isZero();
        assertThat(index.getPositions(query("tenant", "t"))).isEmpty();
    }
}
