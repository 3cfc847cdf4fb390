package com.ims.devplatform.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How documents are stored: collection maps ({@code databases.<db>.<collection>}) hold each document's BSON bytes
 * ({@link BsonBytes}). A file written before (H2's default type, Java serialization) is converted once, when it
 * opens: each collection map is read whole, removed and written again as BSON, and a marker records the format, so a
 * developer's existing {@code ./ims dev} data survives the upgrade.
 */
final class DocumentFormat {

    private static final Logger log = LoggerFactory.getLogger(DocumentFormat.class);
    static final String DATA_PREFIX = "databases.";
    private static final String MARKER_MAP = "ims.store.format";
    private static final String MARKER_KEY = "documents";
    private static final String BSON = "bson-1";

    private DocumentFormat() {
    }

    static MVMap.Builder<Object, byte[]> builder() {
        return new MVMap.Builder<Object, byte[]>().valueType(ByteArrayDataType.INSTANCE);
    }

    static void migrate(MVStore store) {
        MVMap<String, String> marker = store.openMap(MARKER_MAP);
        if (BSON.equals(marker.get(MARKER_KEY))) {
            return;
        }
        int maps = 0;
        long documents = 0;
        for (String name : new ArrayList<>(store.getMapNames())) {
            if (!name.startsWith(DATA_PREFIX)) {
                continue;
            }
            MVMap<Object, Object> old = store.openMap(name);
            List<Map.Entry<Object, Object>> entries = new ArrayList<>(old.size());
            for (Map.Entry<Object, Object> e : old.entrySet()) {
                entries.add(Map.entry(e.getKey(), e.getValue()));
            }
            store.removeMap(old);
            MVMap<Object, byte[]> converted = store.openMap(name, builder());
            for (Map.Entry<Object, Object> e : entries) {
                converted.put(e.getKey(), BsonBytes.encode((Document) e.getValue()));
            }
            maps++;
            documents += entries.size();
        }
        marker.put(MARKER_KEY, BSON);
        store.commit();
        if (maps > 0) {
            log.info("store converted to BSON documents collections={} documents={}", maps, documents);
        }
    }
}
