package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.h2.H2UniqueIndex;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * An H2 database of mongo-java-server whose documents are stored as BSON ({@link DocumentFormat}) and whose indexes serve
 * queries as MongoDB's would. Three index changes, each measured with
 * 10,000-document bulks on a collection of 40,000 (numbers in docs/OPERATIONS.md):
 * <ul>
 *   <li>unique index maps compare their keys with {@link KeyValueType} instead of H2's default object type, which
 *       Java-serializes both keys on every comparison of a lookup (most of the CPU of an insert or update);</li>
 *   <li>the {@code _id} index also serves a query that names other fields beside {@code _id} ({@link IdLookupIndex});
 *       the stock backend scans the collection for {@code {_id: k, status: {$in: [...]}}}, our conditional updates;</li>
 *   <li>non-unique indexes exist ({@link MemorySecondaryIndex}, in memory, rebuilt from the documents on open) instead of
 *       being ignored.</li>
 * </ul>
 * Documents are still matched against the whole query, so an index only narrows what is read, never what matches.
 *
 * @implNote The unique index maps get a new name ({@code .kv}): a file written by the stock backend keeps its old maps
 *     unread, and the new ones are built from the documents on open, as for any new index.
 */
final class IndexedH2Database extends H2Database {

    private static final Field STORE = field();
    private static final Constructor<H2UniqueIndex> UNIQUE_INDEX = uniqueIndexConstructor();

    IndexedH2Database(String databaseName, MVStore store, CursorRegistry cursors) {
        super(databaseName, store, cursors);
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                    boolean sparse) {
        MVMap<KeyValue, Object> map = store().openMap(getFullCollectionNamespace(collectionName) + "._index_" + indexName
                + ".kv", new MVMap.Builder<KeyValue, Object>().keyType(KeyValueType.INSTANCE));
        Index<Object> index;
        try {
            index = UNIQUE_INDEX.newInstance(map, indexName, keys, sparse);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the unique index " + indexName, e);
        }
        return keys.size() == 1 && keys.getFirst().getKey().equals("_id") ? new IdLookupIndex(index) : index;
    }

    /**
     * H2Database's collection, over a data map of BSON bytes ({@link DocumentFormat}) decoded when read, with its data
     * size computed on demand ({@link IndexedH2Collection}); same map names.
     */
    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        String namespace = getFullCollectionNamespace(collectionName);
        MVMap<Object, byte[]> data = store().openMap(DocumentFormat.DATA_PREFIX + namespace, DocumentFormat.builder());
        MVMap<String, Object> meta = store().openMap("meta." + namespace);
        return new IndexedH2Collection(this, collectionName, options, data, meta, cursorRegistry);
    }

    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                       boolean sparse) {
        return new MemorySecondaryIndex(indexName, keys, sparse);
    }

    // H2Database keeps its store private and opens indexes from its own constructor, before a field of this class
    // could be set: read the superclass's field.
    private MVStore store() {
        try {
            return (MVStore) STORE.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Field field() {
        try {
            Field f = H2Database.class.getDeclaredField("mvStore");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Constructor<H2UniqueIndex> uniqueIndexConstructor() {
        try {
            Constructor<H2UniqueIndex> c = H2UniqueIndex.class.getDeclaredConstructor(MVMap.class, String.class,
                    List.class, boolean.class);
            c.setAccessible(true);
            return c;
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
