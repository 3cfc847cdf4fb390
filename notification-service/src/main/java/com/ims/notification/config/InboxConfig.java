package com.ims.notification.config;

import com.ims.notification.directory.UserDirectory;
import com.ims.notification.inbox.Inbox;
import com.ims.notification.replay.BroadcastMaterializer;
import com.ims.notification.store.Checkpoints;
import com.ims.notification.store.DeliveryStore;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the HTTP inbox over the same store, user directory and broadcast materialization that connects use. */
@Configuration(proxyBeanMethods = false)
public class InboxConfig {

    /** BroadcastMaterializer is stateless; sharing the watermark in {@code users} is what keeps it consistent with connects. */
    @Bean
    Inbox inbox(DeliveryStore store, UserDirectory users, Checkpoints checkpoints, Clock clock) {
        return new Inbox(store, users, new BroadcastMaterializer(store, users), checkpoints, clock);
    }
}
