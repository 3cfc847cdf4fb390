package com.ims.devplatform.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 backend, made to honour MongoDB's journal write concern, and to use indexes the way MongoDB does
 * (see {@link IndexedH2Database}).
 *
 * <p>A write whose write concern asks for the journal ({@code j: true}, or {@code w: "majority"}, which implies it on
 * MongoDB) is committed to the file before it is acknowledged, and with it every write acknowledged before it. Other
 * writes are committed by MVStore's background writer within {@link #JOURNAL_INTERVAL_MS}, as mongod flushes its journal
 * every 100 ms. So a {@code kill -9} loses exactly what it may lose on MongoDB: unjournaled writes of the last interval.
 *
 * @implNote The stock backend committed about once a second whatever the write concern, so a {@code kill -9} erased
 *     journaled writes it had already acknowledged (FACTS). Committing after every write command closed that window but
 *     made each command pay for rewriting every page it touched (Java serialization of each page's documents: 40 % of
 *     the dev platform's CPU under the unicast benchmark). The services now journal once per offset commit
 *     ({@code Checkpoints} in notification-service), so most commands are not committed on their own. The file is
 *     written, not fsynced, which covers a process crash but not a power loss.
 */
public final class DurableH2Backend extends H2Backend {

    /** How long an unjournaled write may wait for its commit: mongod's default {@code commitIntervalMs}. */
    public static final int JOURNAL_INTERVAL_MS = 100;

    private static final Set<String> SCHEMA_COMMANDS = Set.of("createIndexes", "dropIndexes", "drop", "create",
            "renameCollection", "dropDatabase");
    private static final Set<String> WRITE_COMMANDS = Stream.concat(
            Stream.of("insert", "update", "delete", "findandmodify", "findAndModify"), SCHEMA_COMMANDS.stream())
            .collect(Collectors.toUnmodifiableSet());

    private DurableH2Backend(MVStore store) {
        super(store);
    }

    /** The backend over {@code store}, whose documents are first converted to BSON if an older version wrote them. */
    public static DurableH2Backend open(MVStore store) {
        DocumentFormat.migrate(store);
        return new DurableH2Backend(store);
    }

    /** A store that lives in memory only: same indexing, nothing to make durable. */
    public static DurableH2Backend inMemory() {
        return open(new MVStore.Builder().open());
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedH2Database(databaseName, getMvStore(), getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        Document result = super.handleCommand(channel, databaseName, command, query);
        if (WRITE_COMMANDS.contains(command) && !isInMemory() && journaled(command, query)) {
            commit();
        }
        return result;
    }

    /**
     * Whether the command's write concern waits for the journal. Commands that change the schema always do: they are
     * rare, and an index that vanished after a crash would be rebuilt only on the next start.
     */
    static boolean journaled(String command, Document query) {
        if (SCHEMA_COMMANDS.contains(command)) {
            return true;
        }
        if (!(query.get("writeConcern") instanceof Document concern)) {
            return false;
        }
        return Boolean.TRUE.equals(concern.get("j")) || "majority".equals(concern.get("w"))
                || Boolean.TRUE.equals(concern.get("fsync"));
    }
}
