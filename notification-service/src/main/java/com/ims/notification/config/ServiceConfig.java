package com.ims.notification.config;

import com.ims.notification.api.ProducerRateLimiter;
import com.ims.notification.directory.RoleDirectory;
import com.ims.notification.directory.UserDirectory;
import com.ims.notification.ingest.DeadLetters;
import com.ims.notification.ingest.IngestListener;
import com.ims.notification.ingest.IngestProcessor;
import com.ims.notification.receipts.ReceiptListener;
import com.ims.notification.redelivery.RedeliverySweeper;
import com.ims.notification.replay.BroadcastMaterializer;
import com.ims.notification.replay.ConnectHandler;
import com.ims.notification.replay.PresenceEventListener;
import com.ims.notification.replay.ReplayService;
import com.ims.notification.routing.GatewayRouter;
import com.ims.notification.routing.GatewayTopics;
import com.ims.notification.routing.RouteTable;
import com.ims.notification.routing.RouteTableLoader;
import com.ims.notification.store.Checkpoints;
import com.ims.notification.store.DeliveryStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/** Wires the plain domain classes; the edges (listeners, controllers) stay thin over them. */
@Configuration(proxyBeanMethods = false)
public class ServiceConfig {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    DeliveryStore deliveryStore(MongoTemplate mongo, NotificationProperties properties) {
        DeliveryStore store = new DeliveryStore(mongo.getDb());
        store.ensureIndexes(properties.delivery().retention());
        return store;
    }

    @Bean
    RoleDirectory roleDirectory(MongoTemplate mongo, NotificationProperties properties, Clock clock) {
        RoleDirectory roles = new RoleDirectory(mongo.getCollection("role_members"), mongo.getCollection("role_versions"),
                properties.roles().cacheMembers(), properties.roles().cacheMaxAge(), clock);
        roles.ensureIndexes();
        return roles;
    }

    @Bean
    UserDirectory userDirectory(MongoTemplate mongo) {
        UserDirectory users = new UserDirectory(mongo.getCollection("users"));
        users.ensureIndexes();
        return users;
    }

    @Bean
    RouteTable routeTable(MeterRegistry meters) {
        RouteTable table = new RouteTable();
        Gauge.builder("ims.routes.online.users", table, RouteTable::onlineUserCount).register(meters);
        return table;
    }

    @Bean(destroyMethod = "close")
    GatewayTopics gatewayTopics(KafkaAdmin admin, NotificationProperties properties) {
        return new GatewayTopics(Admin.create(admin.getConfigurationProperties()), properties.kafka().replication());
    }

    @Bean
    RouteTableLoader routeTableLoader(KafkaProperties kafka, RouteTable table, GatewayTopics topics) {
        return new RouteTableLoader(() -> {
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", kafka.getBootstrapServers());
            props.put("enable.auto.commit", false);
            return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        }, table, topics);
    }

    /** Not UP (and not ready) until the route table holds every route that existed at start. */
    @Bean
    HealthIndicator routeTableHealthIndicator(RouteTableLoader loader, RouteTable table) {
        return () -> loader.caughtUp()
                ? Health.up().withDetail("onlineUsers", table.onlineUserCount()).build()
                : Health.outOfService().withDetail("reason", "reading ims.presence.routes").build();
    }

    /** The broker answers: without it nothing is accepted, ingested or routed. */
    @Bean
    HealthIndicator kafkaHealthIndicator(GatewayTopics topics) {
        return () -> topics.brokerReachable(2_000) ? Health.up().build()
                : Health.down().withDetail("reason", "Kafka brokers did not answer within 2 s").build();
    }

    /** The store answers a read; works on real MongoDB and on the embedded store alike. */
    @Bean
    HealthIndicator storeHealthIndicator(MongoTemplate mongo) {
        return () -> {
            try {
                mongo.getCollection("users").find().limit(1).first();
                return Health.up().build();
            } catch (RuntimeException e) {
                return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
            }
        };
    }

    @Bean
    GatewayRouter gatewayRouter(KafkaTemplate<String, Object> kafka, RouteTable routes, GatewayTopics topics,
                                NotificationProperties properties) {
        return new GatewayRouter(kafka, routes, topics, properties.delivery().chunkSize());
    }

    @Bean
    IngestProcessor ingestProcessor(DeliveryStore store, RoleDirectory roles, RouteTable routes, GatewayRouter router,
                                    KafkaTemplate<String, Object> kafka, Clock clock, NotificationProperties properties,
                                    MeterRegistry meters) {
        return new IngestProcessor(store, roles, routes, router, new DeadLetters(kafka), kafka, clock,
                properties.delivery().redeliveryAfter(), properties.kafka().sendTimeout(), meters);
    }

    @Bean
    IngestListener ingestListener(IngestProcessor processor, Checkpoints checkpoints) {
        return new IngestListener(processor, checkpoints);
    }

    /** Store writes made durable once per offset commit instead of one by one (see Checkpoints). */
    @Bean(destroyMethod = "close")
    Checkpoints checkpoints(MongoTemplate mongo, Clock clock) {
        return new Checkpoints(mongo.getCollection("checkpoints"), KafkaConfig.OFFSET_COMMIT_INTERVAL, clock, System::nanoTime);
    }

    @Bean(destroyMethod = "close")
    ReplayService replayService(DeliveryStore store, GatewayRouter router, NotificationProperties properties) {
        var d = properties.delivery();
        return new ReplayService(store, router, d.replayLimit(), d.redeliveryAfter(), d.maxBackoff(),
                ReplayService.timerWriter());
    }

    @Bean
    ConnectHandler connectHandler(UserDirectory users, RoleDirectory roles, DeliveryStore store, ReplayService replay,
                                  RouteTable routes, Clock clock) {
        return new ConnectHandler(users, roles, new BroadcastMaterializer(store, users), replay, routes, clock);
    }

    @Bean
    PresenceEventListener presenceEventListener(ConnectHandler handler, Checkpoints checkpoints,
                                                NotificationProperties properties) {
        return new PresenceEventListener(handler, checkpoints, properties.kafka().sendTimeout());
    }

    @Bean
    ReceiptListener receiptListener(DeliveryStore store, Checkpoints checkpoints, Clock clock) {
        return new ReceiptListener(store, checkpoints, clock);
    }

    @Bean
    RedeliverySweeper redeliverySweeper(DeliveryStore store, RouteTable routes, GatewayRouter router, Clock clock,
                                        NotificationProperties properties, TaskScheduler scheduler) {
        var d = properties.delivery();
        RedeliverySweeper sweeper = new RedeliverySweeper(store, routes, router, clock, d.sweepBatch(),
                d.redeliveryAfter(), d.maxBackoff(), properties.kafka().sendTimeout());
        scheduler.scheduleWithFixedDelay(sweeper::sweep, d.sweepInterval());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                store.purgeCreatedBefore(clock.instant().minus(d.retention()));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ServiceConfig.class).warn("retention purge failed error={}", e.toString());
            }
        }, d.retentionInterval());
        return sweeper;
    }

    @Bean
    ProducerRateLimiter producerRateLimiter(NotificationProperties properties) {
        return new ProducerRateLimiter(properties.producerApi().rateLimit(), properties.producerApi().maxProducers());
    }

    /** The sweeper and the retention purge: two periodic tasks in all, whatever the load. */
    @Bean
    ThreadPoolTaskScheduler taskScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("delivery-sweep-");
        return scheduler;
    }
}
