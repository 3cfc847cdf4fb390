package com.ims.gateway.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.ims.protocol.UserKey;

/**
 * The connections this gateway holds, by (tenant, user), by tenant and by clientId. Updates of one user's list are atomic
 * ({@link ConcurrentHashMap#compute}) and lists are immutable snapshots, so fan-out iterates without locks.
 */
public final class ConnectionRegistry {

    private final ConcurrentHashMap<UserKey, List<Connection>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Connection>> byTenant = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Connection> byClientId = new ConcurrentHashMap<>();
    private final int maxPerUser;

    public ConnectionRegistry(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    /**
     * Registers the connection; returns the user's oldest connections that now pass the cap, which the caller closes
     * with 4009. They are unregistered here already, so a delivery in flight goes to the new connection instead.
     */
    public List<Connection> register(Connection connection) {
        List<Connection> evicted = new ArrayList<>(0);
        byUser.compute(connection.user(), (key, current) -> {
            List<Connection> next = new ArrayList<>(current == null ? 1 : current.size() + 1);
            if (current != null) {
                next.addAll(current);
            }
            next.add(connection);
            while (next.size() > maxPerUser) {
                evicted.add(next.removeFirst());
            }
            return List.copyOf(next);
        });
        byClientId.put(connection.clientId(), connection);
        byTenant.compute(connection.user().tenant(), (t, set) -> {
            Set<Connection> next = set == null ? ConcurrentHashMap.newKeySet() : set;
            next.add(connection);
            return next;
        });
        for (Connection old : evicted) {
            unindex(old);
        }
        return evicted;
    }

    public void remove(Connection connection) {
        byUser.computeIfPresent(connection.user(), (key, current) -> {
            if (!current.contains(connection)) {
                return current;
            }
            List<Connection> next = new ArrayList<>(current);
            next.remove(connection);
            return next.isEmpty() ? null : List.copyOf(next);
        });
        unindex(connection);
    }

    private void unindex(Connection connection) {
        byClientId.remove(connection.clientId(), connection);
        byTenant.computeIfPresent(connection.user().tenant(), (t, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    public List<Connection> forUser(UserKey user) {
        return byUser.getOrDefault(user, List.of());
    }

    public Collection<Connection> forTenant(String tenant) {
        return byTenant.getOrDefault(tenant, Set.of());
    }

    public Connection byClientId(String clientId) {
        return clientId == null ? null : byClientId.get(clientId);
    }

    public void forEach(Consumer<Connection> action) {
        byClientId.values().forEach(action);
    }

    public List<Connection> all() {
        return List.copyOf(byClientId.values());
    }

    public int size() {
        return byClientId.size();
    }

    public int users() {
        return byUser.size();
    }
}
