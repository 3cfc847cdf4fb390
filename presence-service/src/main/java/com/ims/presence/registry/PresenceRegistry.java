package com.ims.presence.registry;

import com.ims.presence.lease.GatewayLeases;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.UserRoute;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections each user has on which gateway, and which gateways are alive (leases). Every mutation returns the
 * users it changed so that the caller can publish them.
 *
 * @implNote Single writer: every mutating method runs on the presence writer thread ({@link PresenceWriter}), so there are
 *     no locks. A user's entry is an immutable {@link UserRoute} replaced as a whole, and the maps are concurrent, so the
 *     API and metrics read a consistent per-user value from any thread. Changes are idempotent: a replayed CONNECTED of a
 *     known client id or a DISCONNECTED of an unknown one changes nothing and publishes nothing.
 */
public final class PresenceRegistry {

    /** The published state itself: a user has an entry exactly while it has at least one connection. */
    private final Map<UserKey, UserRoute> users = new ConcurrentHashMap<>();
    /** Reverse index, so that a gateway's restart or expiry touches only its own users instead of scanning everyone. */
    private final Map<String, Set<UserKey>> usersByGateway = new ConcurrentHashMap<>();
    private final GatewayLeases leases;
    /** Total connections, kept rather than summed because metrics read it on every scrape. */
    private volatile long connections;

    public PresenceRegistry(GatewayLeases leases) {
        this.leases = leases;
    }

    /** Applies one gateway event received at {@code now} (this service's clock). */
    public List<UserChange> apply(PresenceEvent event, long now) {
        String gateway = event.gatewayId();
        return switch (event.kind()) {
            case CONNECTED -> {
                leases.ensure(gateway, now);
                yield connect(new UserKey(event.tenant(), event.userId()), gateway, event.clientId(), now);
            }
            case DISCONNECTED -> {
                leases.ensure(gateway, now);
                yield disconnect(new UserKey(event.tenant(), event.userId()), gateway, event.clientId(), now);
            }
            case HEARTBEAT -> {
                leases.renew(gateway, event.leaseMillis(), now);
                yield List.of();
            }
            case STARTED -> {
                // A gateway id that restarts lost every connection it held before; they will reconnect and say so.
                List<UserChange> changes = dropGateway(gateway, now);
                leases.renew(gateway, event.leaseMillis(), now);
                yield changes;
            }
            case STOPPED -> {
                List<UserChange> changes = dropGateway(gateway, now);
                leases.remove(gateway);
                yield changes;
            }
            // A connection asking notification-service for its next replay page: nothing about who is where.
            case REPLAY_NEXT -> List.of();
        };
    }

    /** Removes every connection of the gateways whose lease ended at or before {@code now}. */
    public Expiry expire(long now) {
        List<String> expired = leases.expired(now);
        if (expired.isEmpty()) {
            return Expiry.NONE;
        }
        List<UserChange> changes = new ArrayList<>();
        for (String gateway : expired) {
            changes.addAll(dropGateway(gateway, now));
            leases.remove(gateway);
        }
        return new Expiry(expired, changes);
    }

    /** The gateways a sweep expired and the users it changed. */
    public record Expiry(List<String> gateways, List<UserChange> changes) {
        static final Expiry NONE = new Expiry(List.of(), List.of());
    }

    /**
     * Replaces the state with the one read back from the routes topic at start. Every gateway found gets a fresh lease of
     * an unknown gateway (its claimed lease is not in the routes): if it is alive its heartbeats renew it, if it died
     * while we were down the sweeper removes it one such lease later.
     * Whatever an earlier attempt loaded is dropped first, so a retried restore never adds to it (double counts, users
     * tombstoned since).
     */
    public void restore(Collection<UserRoute> routes, long now) {
        users.clear();
        usersByGateway.clear();
        leases.clear();
        connections = 0;
        long added = 0;
        for (UserRoute route : routes) {
            if (route.gateways().isEmpty()) {
                continue;
            }
            UserKey key = new UserKey(route.tenant(), route.userId());
            users.put(key, route);
            for (String gateway : route.gateways().keySet()) {
                usersByGateway.computeIfAbsent(gateway, g -> ConcurrentHashMap.newKeySet()).add(key);
                leases.ensure(gateway, now);
            }
            added += route.connections();
        }
        connections += added;
    }

    public Optional<UserRoute> find(UserKey user) {
        return Optional.ofNullable(users.get(user));
    }

    public List<GatewayView> gateways() {
        List<GatewayView> out = new ArrayList<>();
        leases.snapshot().forEach((gateway, expiry) -> {
            Set<UserKey> onGateway = usersByGateway.getOrDefault(gateway, Set.of());
            int count = 0;
            for (UserKey user : onGateway) {
                UserRoute route = users.get(user);
                List<String> clients = route == null ? null : route.gateways().get(gateway);
                count += clients == null ? 0 : clients.size();
            }
            out.add(new GatewayView(gateway, expiry, onGateway.size(), count));
        });
        out.sort(Comparator.comparing(GatewayView::gatewayId));
        return out;
    }

    public int onlineUsers() {
        return users.size();
    }

    public long connections() {
        return connections;
    }

    public int gatewayCount() {
        return leases.size();
    }

    private List<UserChange> connect(UserKey user, String gateway, String clientId, long now) {
        UserRoute current = users.get(user);
        Map<String, List<String>> gateways = current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current.gateways());
        List<String> clients = gateways.getOrDefault(gateway, List.of());
        if (clients.contains(clientId)) {
            return List.of();
        }
        List<String> updated = new ArrayList<>(clients);
        updated.add(clientId);
        gateways.put(gateway, List.copyOf(updated));
        UserRoute route = new UserRoute(user.tenant(), user.userId(), gateways, now);
        users.put(user, route);
        usersByGateway.computeIfAbsent(gateway, g -> ConcurrentHashMap.newKeySet()).add(user);
        connections++;
        return List.of(new UserChange(user, route, current == null ? UserChange.Flip.ONLINE : UserChange.Flip.NONE));
    }

    private List<UserChange> disconnect(UserKey user, String gateway, String clientId, long now) {
        UserRoute current = users.get(user);
        List<String> clients = current == null ? null : current.gateways().get(gateway);
        if (clients == null || !clients.contains(clientId)) {
            return List.of();
        }
        List<String> remaining = new ArrayList<>(clients);
        remaining.remove(clientId);
        connections--;
        return List.of(replaceGateway(user, current, gateway, remaining, now));
    }

    private List<UserChange> dropGateway(String gateway, long now) {
        Set<UserKey> onGateway = usersByGateway.get(gateway);
        if (onGateway == null) {
            return List.of();
        }
        List<UserChange> changes = new ArrayList<>(onGateway.size());
        for (UserKey user : List.copyOf(onGateway)) {
            UserRoute current = users.get(user);
            List<String> clients = current == null ? null : current.gateways().get(gateway);
            if (clients != null) {
                connections -= clients.size();
                changes.add(replaceGateway(user, current, gateway, List.of(), now));
            }
        }
        usersByGateway.remove(gateway);
        return changes;
    }

    /** Sets the user's clients on one gateway (removing the gateway when none is left, and the user when it has none). */
    private UserChange replaceGateway(UserKey user, UserRoute current, String gateway, List<String> clients, long now) {
        Map<String, List<String>> gateways = new LinkedHashMap<>(current.gateways());
        if (clients.isEmpty()) {
            gateways.remove(gateway);
            Set<UserKey> onGateway = usersByGateway.get(gateway);
            if (onGateway != null) {
                onGateway.remove(user);
                if (onGateway.isEmpty()) {
                    usersByGateway.remove(gateway);
                }
            }
        } else {
            gateways.put(gateway, List.copyOf(clients));
        }
        if (gateways.isEmpty()) {
            users.remove(user);
            return new UserChange(user, null, UserChange.Flip.OFFLINE);
        }
        UserRoute route = new UserRoute(user.tenant(), user.userId(), gateways, now);
        users.put(user, route);
        return new UserChange(user, route, UserChange.Flip.NONE);
    }
}
