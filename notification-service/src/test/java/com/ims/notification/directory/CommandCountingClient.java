package com.ims.notification.directory;

import com.ims.devplatform.TestPlatform;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A client of the test platform's store that counts the commands it sends that {@code counted} picks. */
final class CommandCountingClient implements AutoCloseable {

    private final AtomicInteger count = new AtomicInteger();
    private final MongoClient client;
    private final String database;

    CommandCountingClient(String database, Predicate<CommandStartedEvent> counted) {
        this.database = database;
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (counted.test(event)) {
                    count.incrementAndGet();
                }
            }
        };
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(TestPlatform.shared().mongoUri(database)))
                .addCommandListener(listener).build());
    }

    MongoDatabase db() {
        return client.getDatabase(database);
    }

    int count() {
        return count.get();
    }

    @Override
    public void close() {
        client.close();
    }
}
