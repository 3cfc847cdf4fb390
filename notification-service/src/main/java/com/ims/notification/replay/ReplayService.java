package com.ims.notification.replay;

import com.ims.notification.routing.GatewayRouter;
import com.ims.notification.routing.GatewayRouter.Outgoing;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.OpenDelivery;
import com.ims.notification.store.StoredMessage;
import com.ims.protocol.internal.ReplayPage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a connecting user's open deliveries (PENDING or DELIVERED, unexpired), oldest first, to the one connection that
 * just connected, followed by REPLAY_DONE; the gateway holds live deliveries for that connection until then.
 *
 * <p>A gateway that offers a page size with the connect ({@link ReplayPage}) gets the backlog one page at a time: the
 * first page, then REPLAY_MORE; the next page only when the gateway asks for it ({@link #nextPage}), which it does once
 * it wrote the previous page to the socket. So a client on a slow link takes a long backlog at the pace it reads, in
 * order, before any live message, instead of being closed with 4010 when the backlog passes its outbound queue limit and
 * reconnecting into the same burst. A gateway that offers none (older releases) gets everything up to the limit at once.
 *
 * @implNote At most {@code limit} deliveries per connect are replayed, over all pages. What lies past the limit gets a
 *     redelivery timer when the replay ends (a delivery stored while its user was offline has none), so that the sweeper
 *     sends it while the user is online, oldest first, after REPLAY_DONE (live messages may come before it). Nothing is
 *     timed while pages are still coming: a timer running during a long paged replay would send the rest live, into the
 *     hold of the syncing connection, and past the gateway's hold limit close it with 4010. A replay that stops half-way
 *     because the client left or its gateway died is done again on the next connect; a page request or answer lost on
 *     the way is asked for once more by the gateway when its sync times out. The replay keeps no state here: the gateway
 *     echoes each {@link ReplayPage}.
 */
public class ReplayService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplayService.class);

    private final DeliveryStore store;
    private final GatewayRouter router;
    private final int limit;
    private final Duration redeliveryAfter;
    private final Duration maxBackoff;
    /** Writes the timers of what a replay did not send (see the class comment); {@code Runnable::run} writes inline. */
    private final Executor timerWriter;

    public ReplayService(DeliveryStore store, GatewayRouter router, int limit, Duration redeliveryAfter, Duration maxBackoff,
                         Executor timerWriter) {
        this.store = store;
        this.router = router;
        this.limit = limit;
        this.redeliveryAfter = redeliveryAfter;
        this.maxBackoff = maxBackoff;
        this.timerWriter = timerWriter;
    }

    /**
     * One thread for the timers of unsent backlogs, with a short queue that makes the caller write once it is full.
     *
     * @implNote Off the presence listener's thread because that write costs two conditional updates per delivery (on
     *     the embedded store 1,936 of them took 6 s, and a listener busy that long leaves other connections' page
     *     requests waiting past their sync timeout). The timers only matter one {@code redeliveryAfter} later, so
     *     writing them a little later changes nothing; a crash before they are written leaves that backlog to the
     *     user's next connect.
     */
    public static ExecutorService timerWriter() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
                Thread.ofPlatform().name("replay-timers").daemon().factory(), new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Lets the timers already handed over be written (briefly) before the store's client closes. */
    @Override
    public void close() {
        if (timerWriter instanceof ExecutorService executor) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("replay backlog timers still being written at shutdown; the next connect replays them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One connection to replay to: the user's deliveries go to this gateway and client.
     *
     * @param page the page size the gateway offered; null: everything up to the limit at once
     */
    public record Connection(String userId, String gatewayId, String clientId, ReplayPage page) {
    }

    /**
     * Replays to the connections of a connect batch of one tenant (issues the sends, not awaited, and records them as
     * attempts; returns the futures for the caller's batch): one query of the open deliveries of all its users, grouped per
     * user in memory; each connection gets its user's first {@code limit} deliveries oldest first (or the first page of
     * them), then REPLAY_DONE (or REPLAY_MORE). A user with several connections in the batch is replayed to each, its
     * attempts counted once per send.
     */
    public List<CompletableFuture<?>> replayAll(String tenant, List<Connection> connections, Instant now) {
        if (connections.isEmpty()) {
            return List.of();
        }
        Map<String, List<OpenDelivery>> byUser = new HashMap<>();
        for (Connection c : connections) {
            byUser.putIfAbsent(c.userId(), new ArrayList<>());
        }
        // Past the limit, per user: sent by the sweeper instead (see the class comment).
        Map<String, List<OpenDelivery>> pastLimit = new HashMap<>();
        for (OpenDelivery d : store.openDeliveries(tenant, byUser.keySet())) {
            List<OpenDelivery> own = byUser.get(d.userId());
            if (own == null) {
                continue;
            }
            if (own.size() < limit) {
                own.add(d);
            } else if (!d.expiredAt(now)) {
                pastLimit.computeIfAbsent(d.userId(), u -> new ArrayList<>()).add(d);
            }
        }
        // The messages of what can be sent now: a paged connection's first page holds at most its frame count.
        Set<String> keys = new HashSet<>();
        for (Connection c : connections) {
            List<OpenDelivery> own = byUser.get(c.userId());
            own.subList(0, firstPageCandidates(c, own)).forEach(d -> keys.add(d.messageKey()));
        }
        Map<String, StoredMessage> messages = store.messages(keys);
        Pages pages = new Pages(tenant, messages, now, connections.size() + keys.size());
        Set<String> sentToSomeConnection = new HashSet<>();
        Set<String> stillPaging = new HashSet<>();
        for (Connection c : connections) {
            List<OpenDelivery> own = byUser.get(c.userId());
            Page sent = pages.send(c, own, firstPageCandidates(c, own), false);
            sentToSomeConnection.addAll(sent.keys());
            if (sent.more()) {
                stillPaging.add(c.userId());
            }
        }
        pages.markSent();
        // A user whose replay ended here and left deliveries unsent (past the limit): the sweeper sends them. One still
        // paging has them timed when its last page goes (nextPage), not now: a timer running during a long paged replay
        // would send the rest live, into the hold of the syncing connection.
        List<OpenDelivery> rest = new ArrayList<>();
        byUser.forEach((userId, own) -> {
            if (!stillPaging.contains(userId)) {
                own.stream().filter(d -> !sentToSomeConnection.contains(d.key()) && !d.expiredAt(now)).forEach(rest::add);
                rest.addAll(pastLimit.getOrDefault(userId, List.of()));
            }
        });
        scheduleForSweeper(rest, now);
        return pages.sends;
    }

    /**
     * Gives the deliveries a replay left unsent a redelivery timer, due one {@code redeliveryAfter} from now and one
     * millisecond apart in the given ({@code seq}) order, per user, so that the sweeper sends them oldest first while
     * the user is online (a delivery stored while its user was offline has no timer). On the timer thread.
     */
    private void scheduleForSweeper(List<OpenDelivery> rest, Instant now) {
        if (!rest.isEmpty()) {
            timerWriter.execute(() -> writeTimers(rest, now));
        }
    }

    private void writeTimers(List<OpenDelivery> rest, Instant now) {
        Map<String, Instant> due = new HashMap<>();
        Map<String, Integer> position = new HashMap<>();
        Instant from = now.plus(redeliveryAfter);
        for (OpenDelivery d : rest) {
            due.put(d.key(), from.plusMillis(position.merge(d.userId(), 1, Integer::sum) - 1));
        }
        try {
            store.scheduleBy(due);
        } catch (RuntimeException e) {
            log.warn("replay backlog timers not written count={} error={}", due.size(), e.toString());
        }
    }

    private static int firstPageCandidates(Connection c, List<OpenDelivery> own) {
        return c.page() == null ? own.size() : Math.min(own.size(), c.page().maxFrames());
    }

    /**
     * The page a gateway asked for ({@code REPLAY_NEXT}): the connection's open deliveries after the last page, then
     * REPLAY_MORE or REPLAY_DONE. A replay that ends at the limit leaves the rest to the sweeper.
     */
    public List<CompletableFuture<?>> nextPage(String tenant, Connection c, Instant now) {
        ReplayPage page = c.page();
        int left = limit - page.replayed();
        List<OpenDelivery> open = left <= 0 ? List.of()
                : store.openDeliveriesAfter(tenant, c.userId(), page.afterSeq(), Math.min(left, page.maxFrames()) + 1);
        Map<String, StoredMessage> messages = store.messages(open.stream().map(OpenDelivery::messageKey).toList());
        Pages pages = new Pages(tenant, messages, now, open.size() + 1);
        // A full fetch may go on past what was read: a page of only expired deliveries must still say "more".
        Page sent = pages.send(c, open, open.size(), open.size() > Math.min(left, page.maxFrames()));
        pages.markSent();
        if (!sent.more() && page.replayed() + sent.keys().size() >= limit) {
            leaveRestToSweeper(tenant, c.userId(), sent.lastSeq(), now);
        }
        return pages.sends;
    }

    /**
     * The user's open deliveries after {@code afterSeq} get redelivery timers (on the timer thread): a replay that ended
     * at the limit, or a page that could not be made, leaves them to the sweeper rather than to the next connect.
     */
    public void leaveRestToSweeper(String tenant, String userId, long afterSeq, Instant now) {
        timerWriter.execute(() -> {
            try {
                writeTimers(store.openDeliveriesAfter(tenant, userId, afterSeq, Integer.MAX_VALUE).stream()
                        .filter(d -> !d.expiredAt(now)).toList(), now);
            } catch (RuntimeException e) {
                log.warn("replay backlog not read for its timers tenant={} userId={} error={}", tenant, userId, e.toString());
            }
        });
    }

    /** What one connection's page sent, whether more follows on request, and the last sequence it covered. */
    private record Page(Set<String> keys, boolean more, long lastSeq) {
    }

    /** The sends of one call: frames, page ends, and the attempts to record. */
    private final class Pages {
        private final String tenant;
        private final Map<String, StoredMessage> messages;
        private final Instant now;
        final List<CompletableFuture<?>> sends;
        private final Map<String, Integer> attempts = new HashMap<>();

        Pages(String tenant, Map<String, StoredMessage> messages, Instant now, int expectedSends) {
            this.tenant = tenant;
            this.messages = messages;
            this.now = now;
            this.sends = new ArrayList<>(expectedSends);
        }

        /**
         * Sends {@code open}, oldest first, or as much of it as the page and the replay limit hold, then the page's end
         * (REPLAY_MORE while open deliveries may follow and the limit is not reached, else REPLAY_DONE).
         *
         * @param loaded how many of {@code open}, from the first, had their messages read: the send stops there
         * @param openGoesOn whether more open deliveries may follow {@code open} in the store
         */
        Page send(Connection c, List<OpenDelivery> open, int loaded, boolean openGoesOn) {
            ReplayPage page = c.page();
            int replayedBefore = page == null ? 0 : page.replayed();
            Set<String> sent = new HashSet<>();
            long bytes = 0;
            long lastSeq = page == null ? -1 : page.afterSeq();
            int considered = 0;
            for (OpenDelivery d : open) {
                if (considered >= loaded || replayedBefore + sent.size() >= limit) {
                    break;
                }
                StoredMessage m = messages.get(d.messageKey());
                boolean sendable = sendable(d);
                if (sendable && page != null) {
                    long frameBytes = m.frame().getBytes(StandardCharsets.UTF_8).length;
                    if (!sent.isEmpty() && (sent.size() >= page.maxFrames() || bytes + frameBytes > page.maxBytes())) {
                        break;
                    }
                    bytes += frameBytes;
                }
                considered++;
                lastSeq = d.seq();
                if (!sendable) {
                    continue;
                }
                sends.add(router.toConnection(c.gatewayId(), c.userId(), c.clientId(),
                        new Outgoing(tenant, m.messageId(), true, m.expiresAtMillis(), m.frame())));
                sent.add(d.key());
                attempts.merge(d.key(), d.attempts() + 1, (before, ignored) -> before + 1);
            }
            boolean more = page != null && (considered < open.size() || openGoesOn)
                    && replayedBefore + sent.size() < limit;
            sends.add(more
                    ? router.replayMore(c.gatewayId(), tenant, c.userId(), c.clientId(), page.next(lastSeq, sent.size()))
                    : router.replayDone(c.gatewayId(), tenant, c.userId(), c.clientId()));
            return new Page(sent, more, lastSeq);
        }

        /** Whether the delivery can be sent: its message is still stored, and neither has expired. */
        boolean sendable(OpenDelivery d) {
            StoredMessage m = messages.get(d.messageKey());
            return m != null && !d.expiredAt(now) && !m.expiredAt(now);
        }

        /** Records the sends as attempts and sets their next redelivery. */
        void markSent() {
            Map<String, Integer> previous = new HashMap<>(attempts.size());
            attempts.forEach((key, n) -> previous.put(key, n - 1)); // markSent counts the last send itself
            store.markSent(previous, now, redeliveryAfter, maxBackoff);
        }
    }
}
