package com.ims.notification.ingest;

import com.ims.notification.directory.RoleDirectory;
import com.ims.notification.routing.GatewayRouter;
import com.ims.notification.routing.GatewayRouter.Outgoing;
import com.ims.notification.routing.RouteTable;
import com.ims.notification.routing.Sends;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.Keys;
import com.ims.notification.store.StoredMessage;
import com.ims.protocol.FrameCodec;
import com.ims.protocol.NotificationRequest;
import com.ims.protocol.NotificationRequestParser;
import com.ims.protocol.RequestValidation;
import com.ims.protocol.TargetType;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.bson.Document;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.kafka.core.KafkaTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one batch of {@code ims.notifications} records: validate (bad ones to the DLT), store persistent messages and
 * their deliveries (bulk, idempotent), then route to the gateways, and return once the store writes and the dead letters
 * are done, so the container commits the batch's offsets after its durable effects (routing sends complete on their own).
 *
 * @implNote A record's sequence is its offset: the topic is keyed by tenant, so offsets are monotone per tenant and
 *     a retried batch produces the same sequences, frames and ids (a record without an id gets one derived from its
 *     partition and offset), hence the same documents. A repeated producer id at another offset is a duplicate: stored
 *     once, routed once. A failure that is not an outage is retried per record and then dead-lettered, so one record that
 *     breaks processing cannot stop its partition. A record not keyed by its tenant (the contract does not oblige a
 *     Kafka producer to set a key), or keyed by it but not in the partition the Java default partitioner gives that key
 *     (librdkafka's default partitioner differs), is re-produced keyed by tenant into that partition with its id and
 *     timestamp fixed, so that every tenant's messages share one partition and the offset stays a valid per-tenant
 *     sequence.
 */
public class IngestProcessor {

    private static final Logger log = LoggerFactory.getLogger(IngestProcessor.class);
    /** Tries of one record after its batch failed, before it goes to the DLT. */
    static final int RECORD_ATTEMPTS = 3;
    /** Carries a derived id through a re-keying hop: see {@link #rerouted}. */
    static final String DERIVED_ID_HEADER = "ims-derived-id";
    private static final Pattern DERIVED_ID = Pattern.compile("~k\\d{1,10}-\\d{1,19}");
    /** Batches slower than this are logged with their timings. */
    private static final long SLOW_BATCH_MS = 1_000;

    private final DeliveryStore store;
    private final RoleDirectory roles;
    private final RouteTable routes;
    private final GatewayRouter router;
    private final DeadLetters deadLetters;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final Duration redeliveryAfter;
    private final Duration sendTimeout;
    private final Counter accepted;
    private final Counter invalid;
    private final Counter duplicates;
    private final Counter failed;
    private final Counter rekeyed;
    private final Counter deliveriesStored;
    private final Timer lag;
    private final Timer batchTime;

    public IngestProcessor(DeliveryStore store, RoleDirectory roles, RouteTable routes, GatewayRouter router,
                           DeadLetters deadLetters, KafkaTemplate<String, Object> kafka, Clock clock,
                           Duration redeliveryAfter, Duration sendTimeout, MeterRegistry meters) {
        this.kafka = kafka;
        this.store = store;
        this.roles = roles;
        this.routes = routes;
        this.router = router;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.redeliveryAfter = redeliveryAfter;
        this.sendTimeout = sendTimeout;
        this.accepted = meters.counter("ims.ingest.records", "outcome", "accepted");
        this.invalid = meters.counter("ims.ingest.records", "outcome", "invalid");
        this.duplicates = meters.counter("ims.ingest.records", "outcome", "duplicate");
        this.failed = meters.counter("ims.ingest.records", "outcome", "failed");
        this.rekeyed = meters.counter("ims.ingest.records", "outcome", "rekeyed");
        this.deliveriesStored = meters.counter("ims.deliveries.stored");
        this.lag = Timer.builder("ims.ingest.lag")
                .description("from a record's timestamp (its accept time) to the start of its batch's ingest").register(meters);
        this.batchTime = Timer.builder("ims.ingest.batch")
                .description("one ingest batch: validate, store, route, await the sends").register(meters);
    }

    /** One accepted record: the validated request and where it sat in the topic. */
    private record Accepted(NotificationRequest request, long seq, Instant acceptedAt) {
        String key() {
            return Keys.message(request.tenant(), request.id());
        }
    }

    /**
     * Routing decided while storing, sent only after the store writes it depends on completed.
     *
     * @param rows a user message's delivery documents, not yet stored: written with the run of messages they belong to
     *     ({@link #flush}); empty otherwise
     * @param groups a role or broadcast message's fan-out groups, not yet stored: a role message's are each stored and
     *     then routed to their own users ({@link #routeGroups}), a broadcast's are written with its run; empty otherwise
     */
    private record Route(Outgoing outgoing, TargetType targetType, List<String> recipients, List<Document> rows,
                         List<Document> groups) {
        Route(Outgoing outgoing, TargetType targetType, List<String> recipients) {
            this(outgoing, targetType, recipients, List.of(), List.of());
        }

        boolean storedGroupByGroup() {
            return targetType == TargetType.ROLE && !groups.isEmpty();
        }
    }

    public void ingest(List<ConsumerRecord<String, byte[]>> records) {
        try {
            process(records);
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            log.warn("batch of {} failed; processing its records one by one error={}", records.size(), e.toString());
            for (ConsumerRecord<String, byte[]> r : records) {
                processAlone(r);
            }
        }
    }

    private void processAlone(ConsumerRecord<String, byte[]> record) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
            try {
                process(List.of(record));
                return;
            } catch (RuntimeException e) {
                if (Failures.isTransient(e)) {
                    throw e;
                }
                last = e;
            }
        }
        failed.increment();
        log.error("record failed {} times partition={} offset={}", RECORD_ATTEMPTS, record.partition(), record.offset(), last);
        Sends.awaitAll(List.of(deadLetters.send(record, "processing failed: " + last)), sendTimeout);
    }

    void process(List<ConsumerRecord<String, byte[]>> records) {
        long startedAt = System.currentTimeMillis();
        for (ConsumerRecord<String, byte[]> r : records) {
            lag.record(Math.max(0, startedAt - r.timestamp()), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        // Records that must reach the broker before the batch counts as done: dead letters and re-keyed requests.
        List<CompletableFuture<?>> mustReachBroker = new ArrayList<>();
        List<Accepted> batch = new ArrayList<>(records.size());
        int partitions = records.isEmpty() ? 0 : notificationPartitions();
        for (ConsumerRecord<String, byte[]> r : records) {
            NotificationRequestParser parser = new NotificationRequestParser(() -> derivedId(r));
            switch (parser.parse(r.value())) {
                case RequestValidation.Valid valid when !inTenantPartition(r, valid.request().tenant(), partitions) -> {
                    // Keyed by something else than its tenant (or not at all), or placed by another partitioner: its
                    // offset says nothing about the tenant's order. Re-produce it keyed by tenant into the tenant's
                    // partition, id fixed, and ingest it from there.
                    rekeyed.increment();
                    mustReachBroker.add(kafka.send(rerouted(r, valid.request(), partitions)));
                }
                case RequestValidation.Valid valid ->
                        batch.add(new Accepted(valid.request(), r.offset(), Instant.ofEpochMilli(r.timestamp())));
                case RequestValidation.Invalid bad -> {
                    invalid.increment();
                    mustReachBroker.add(deadLetters.send(r, bad.describe()));
                }
            }
        }
        long started = System.nanoTime();
        List<Route> routing = store(batch);
        long stored = System.nanoTime();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        // Recipients' state is written in batch order, so that a replay running between two writes never finds a
        // later message stored and an earlier one not: [role R5 to U, user M6 to U] written as M6 then R5 let a connect
        // of U in between replay M6, and R5 came live after it. A run of messages between two role messages is still
        // one insert (per collection); a role message's groups are written at their place in the batch.
        List<Route> run = new ArrayList<>();
        for (Route route : routing) {
            if (route.storedGroupByGroup()) {
                flush(run, sends);
                routeGroups(route, sends);
            } else {
                run.add(route);
            }
        }
        flush(run, sends);
        // Dead letters and re-keyed records must be on the broker before the offsets move. The routing sends need not:
        // they are the live path only (a persistent message is stored with its redelivery timer running, a transient
        // one is gone by design when its send fails, and GatewayRouter logs each failure). Not waiting for their acks
        // takes a broker round trip off every batch, so the next batch starts sooner.
        Sends.awaitAll(mustReachBroker, sendTimeout);
        long resolveMs = (stored - started) / 1_000_000; // messages stored, recipients resolved
        long totalMs = (System.nanoTime() - started) / 1_000_000;
        batchTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (totalMs > SLOW_BATCH_MS) {
            log.info("slow ingest batch records={} routeRecords={} resolveMs={} totalMs={}", records.size(), sends.size(),
                    resolveMs, totalMs);
        }
    }

    /**
     * Writes a run of messages' recipients (user messages' deliveries in one insert, broadcasts' groups in one), then
     * routes the run's messages in order, and empties the run.
     *
     * @implNote Within a run, the deliveries go before the broadcast groups. A connect between the two writes still
     *     replays in order: the broadcast's message is stored already, so the connect materializes a late group for
     *     the user (BroadcastMaterializer), and replay sorts by {@code seq}.
     */
    private void flush(List<Route> run, List<CompletableFuture<?>> sends) {
        if (run.isEmpty()) {
            return;
        }
        List<Document> rows = new ArrayList<>();
        List<Document> broadcastGroups = new ArrayList<>();
        for (Route route : run) {
            rows.addAll(route.rows());
            broadcastGroups.addAll(route.groups());
        }
        long inserting = System.nanoTime();
        deliveriesStored.increment(store.insertDeliveries(rows) + store.insertFanoutGroups(broadcastGroups));
        long insertMs = (System.nanoTime() - inserting) / 1_000_000;
        if (insertMs > SLOW_BATCH_MS) {
            log.info("slow delivery insert deliveries={} fanoutGroups={} insertMs={}", rows.size(), broadcastGroups.size(),
                    insertMs);
        }
        for (Route route : run) {
            sends.addAll(route.targetType() == TargetType.ALL
                    ? router.toTenant(route.outgoing())
                    : router.toUsers(route.outgoing(), route.recipients()));
        }
        run.clear();
    }

    /**
     * A role message: each group of recipients is stored, then routed to its users at once, so the first recipients
     * are on their way while the later groups are still being written (a role of 10,000 is 10 groups; storing them all
     * first kept every recipient waiting for the last one). Every recipient's delivery is still stored before it is
     * routed, and the routes leave in batch order, so a user's messages keep their order. If a later group's write
     * fails, the batch is retried: its stored groups are duplicates and left as they are, and the users already routed
     * may get the message again live, which the clients drop by id (contract: delivered once).
     */
    private void routeGroups(Route route, List<CompletableFuture<?>> sends) {
        for (Document group : route.groups()) {
            deliveriesStored.increment(store.insertFanoutGroups(List.of(group)));
            sends.addAll(router.toUsers(route.outgoing(), group.getList("users", String.class)));
        }
    }

    /**
     * Stores the batch's persistent messages and resolves their recipients; returns what to route, with the recipients'
     * documents still to be written ({@link #process} writes them in batch order).
     */
    private List<Route> store(List<Accepted> batch) {
        Instant now = clock.instant();
        Map<String, StoredMessage> stored = new HashMap<>();
        List<StoredMessage> toStore = new ArrayList<>();
        for (Accepted a : batch) {
            if (a.request().persistent()) {
                StoredMessage m = toStored(a);
                stored.put(a.key() + "#" + a.seq(), m);
                toStore.add(m);
            }
        }
        Set<String> repeated = repeatedIds(batch, store.insertMessages(toStore));

        Map<String, List<String>> roleMembers = new HashMap<>();
        List<Route> routing = new ArrayList<>(batch.size());
        for (Accepted a : batch) {
            NotificationRequest r = a.request();
            if (r.persistent() && repeated.contains(a.key() + "#" + a.seq())) {
                duplicates.increment();
                log.info("duplicate id, already accepted tenant={} messageId={} offset={}", r.tenant(), r.id(), a.seq());
                continue;
            }
            accepted.increment();
            List<String> recipients = switch (r.targetType()) {
                case USER -> List.of(r.target());
                case ROLE -> roleMembers.computeIfAbsent(r.tenant() + '\u001f' + r.target(),
                        k -> roles.members(r.tenant(), r.target()));
                // Persistent broadcasts get deliveries for the users online now; the others on their next connect.
                case ALL -> r.persistent() ? routes.onlineUsers(r.tenant()) : List.of();
            };
            if (r.persistent()) {
                StoredMessage m = stored.get(a.key() + "#" + a.seq());
                if (r.targetType() == TargetType.USER) {
                    List<Document> rows = new ArrayList<>(recipients.size());
                    for (String userId : recipients) {
                        boolean online = routes.isOnline(new UserKey(r.tenant(), userId));
                        rows.add(DeliveryStore.newDelivery(m, userId, a.acceptedAt(), online ? now.plus(redeliveryAfter) : null));
                    }
                    routing.add(new Route(outgoing(r, m), r.targetType(), recipients, rows, List.of()));
                } else {
                    // One document per group of recipients, not per recipient: see FanoutStore. A broadcast goes to
                    // whole tenants on each gateway at once, so all its groups are written first (with its run).
                    boolean anyOnline = recipients.stream().anyMatch(u -> routes.isOnline(new UserKey(r.tenant(), u)));
                    List<Document> groups = store.newFanoutGroups(m, recipients, a.acceptedAt(),
                            anyOnline ? now.plus(redeliveryAfter) : null);
                    routing.add(new Route(outgoing(r, m), r.targetType(), recipients, List.of(), groups));
                }
            } else {
                String frame = FrameCodec.encode(r.type(), null, a.acceptedAt().toEpochMilli(), r.payload());
                long expiresAt = r.ttlSeconds() == null ? 0 : a.acceptedAt().plusSeconds(r.ttlSeconds()).toEpochMilli();
                routing.add(new Route(new Outgoing(r.tenant(), null, false, expiresAt, frame), r.targetType(), recipients));
            }
        }
        return routing;
    }

    /**
     * Of the messages whose key existed already, those stored from another offset: a producer repeating an id. One stored
     * from this very offset is this batch being retried after a crash, and goes through again (its writes are idempotent).
     */
    private Set<String> repeatedIds(List<Accepted> batch, Set<String> existingKeys) {
        if (existingKeys.isEmpty()) {
            return Set.of();
        }
        Map<String, Long> storedSeq = store.seqs(existingKeys);
        Set<String> repeated = new HashSet<>();
        for (Accepted a : batch) {
            Long seq = storedSeq.get(a.key());
            if (a.request().persistent() && seq != null && seq != a.seq()) {
                repeated.add(a.key() + "#" + a.seq());
            }
        }
        return repeated;
    }

    private static Outgoing outgoing(NotificationRequest r, StoredMessage m) {
        return new Outgoing(r.tenant(), r.id(), true, m.expiresAtMillis(), m.frame());
    }

    private static StoredMessage toStored(Accepted a) {
        NotificationRequest r = a.request();
        Instant expiresAt = r.ttlSeconds() == null ? null : a.acceptedAt().plusSeconds(r.ttlSeconds());
        String frame = FrameCodec.encode(r.type(), r.id(), a.acceptedAt().toEpochMilli(), r.payload());
        return new StoredMessage(a.key(), r.tenant(), r.id(), r.targetType(), r.target(), r.type(), frame,
                a.acceptedAt(), expiresAt, a.seq());
    }

    /**
     * The record again, keyed by its tenant, in the tenant's partition, with its id fixed. It keeps the original
     * timestamp: that is the accept time, from which a message's {@code ttlSeconds} and its frame's {@code timestamp}
     * count, and the hop must not restart the clock. Headers travel along. The partition is set here rather than left to
     * the producer's partitioner, so that the record lands where {@link #inTenantPartition} expects it. An id derived
     * for a record that brought none goes in the {@code ims-derived-id} header, since the request's validation refuses
     * ids of that form from producers.
     */
    private static ProducerRecord<String, Object> rerouted(ConsumerRecord<String, byte[]> r, NotificationRequest request,
                                                           int partitions) {
        ObjectNode json = request.toJson();
        RecordHeaders headers = new RecordHeaders();
        r.headers().forEach(h -> {
            if (!DERIVED_ID_HEADER.equals(h.key())) {
                headers.add(h);
            }
        });
        if (DERIVED_ID.matcher(request.id()).matches()) {
            // No producer may send such an id, so it travels beside the request, not in it (derivedId reads it back).
            json.remove("id");
            headers.add(DERIVED_ID_HEADER, request.id().getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(Topics.NOTIFICATIONS, tenantPartition(request.tenant(), partitions), r.timestamp(),
                request.tenant(), json, headers);
    }

    /**
     * Whether a record sits where every tenant's records must: keyed by its tenant, in the partition the Java client's
     * default partitioner gives that key. The key alone is not enough: librdkafka clients (kcat, confluent-kafka) hash
     * keys with CRC32 by default, so a correctly keyed record can land in another partition than the same tenant's
     * records from Java producers and the REST API, and offsets of two partitions are no common sequence (replay order
     * and the broadcast watermark compare them).
     */
    private static boolean inTenantPartition(ConsumerRecord<String, byte[]> r, String tenant, int partitions) {
        return tenant.equals(r.key()) && r.partition() == tenantPartition(tenant, partitions);
    }

    /** The Java client's default placement of a keyed record: murmur2 of the key's bytes (StringSerializer: UTF-8). */
    public static int tenantPartition(String tenant, int partitions) {
        return Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Partitions of {@code ims.notifications}, from the producer's metadata: in memory once known (the first call may
     * wait for it, up to {@code max.block.ms}; a broker that does not answer is an outage, and the batch is retried),
     * and refreshed by the client, so an added partition is seen as the Java producers see it.
     */
    private int notificationPartitions() {
        return kafka.partitionsFor(Topics.NOTIFICATIONS).size();
    }

    /**
     * Deterministic id for a Kafka record that brought none, so that a retried batch writes the same documents.
     *
     * @implNote It starts with '~', which a producer's id may not contain (NotificationRequestParser), so no request's
     *     id can equal it: with {@code k<partition>-<offset>} (until 2026-11-30) a producer's id of that shape made the
     *     record at that offset a "repeated id" and it was dropped. '~' is unreserved in URLs, so the id still goes
     *     unescaped into {@code /api/v1/notifications/{id}}. The header that carries it across the re-keying hop is this
     *     service's own; a Kafka producer that set it deliberately could pick such an id, as it can already write to any
     *     tenant: the topic's producers are trusted.
     */
    static String derivedId(ConsumerRecord<String, byte[]> r) {
        Header carried = r.headers().lastHeader(DERIVED_ID_HEADER);
        if (carried != null && carried.value() != null) {
            String id = new String(carried.value(), StandardCharsets.UTF_8);
            if (DERIVED_ID.matcher(id).matches()) {
                return id; // derived before the record's hop to its tenant's partition (rerouted)
            }
        }
        return "~k" + r.partition() + "-" + r.offset();
    }
}
