package com.ims.devplatform.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * What a query says about one field that an index can use: the field equals one value, or one of a list ({@code $in}).
 * Read from the query's top level and from the members of a top-level {@code $and}, which is how the Java driver writes
 * {@code Filters.and}. Anything else (ranges, {@code $or}, nulls, arrays, documents) is left to the matcher.
 */
final class Constraints {

    private Constraints() {
    }

    /** The values {@code field} must take, or null when the query does not pin it to scalars. */
    static List<Object> valuesOf(Document query, String field) {
        Object condition = condition(query, field);
        return condition == null ? null : scalarValues(condition, true);
    }

    /** The raw {@code _id} condition when it is an equality or an {@code $in}, to hand to the {@code _id} index alone. */
    static Object idCondition(Document query) {
        return condition(query, "_id");
    }

    /** The query's condition on {@code field} as written, when it is an equality or an {@code $in} of scalars. */
    private static Object condition(Document query, String field) {
        if (scalarValues(query.get(field), query.containsKey(field)) != null) {
            return query.get(field);
        }
        if (query.get("$and") instanceof Collection<?> members) {
            for (Object member : members) {
                if (member instanceof Document d && d.size() == 1 && scalarValues(d.get(field), d.containsKey(field)) != null) {
                    return d.get(field);
                }
            }
        }
        return null;
    }

    private static List<Object> scalarValues(Object condition, boolean present) {
        if (!present) {
            return null;
        }
        if (isScalar(condition)) {
            return List.of(normalized(condition));
        }
        if (condition instanceof Document d && d.size() == 1 && d.get("$in") instanceof Collection<?> in) {
            List<Object> values = new ArrayList<>(in.size());
            for (Object v : in) {
                if (!isScalar(v)) {
                    return null;
                }
                values.add(normalized(v));
            }
            return values;
        }
        return null;
    }

    private static final Set<Class<?>> SCALARS = Set.of(String.class, Long.class, Integer.class, Double.class,
            Boolean.class, Date.class, ObjectId.class);

    /** Values whose equality the index's order decides exactly as the matcher does. Null matches missing: not here. */
    private static boolean isScalar(Object v) {
        return v != null && SCALARS.contains(v.getClass());
    }

    static Object normalized(Object v) {
        return new KeyValue(v).normalized().get(0);
    }
}
