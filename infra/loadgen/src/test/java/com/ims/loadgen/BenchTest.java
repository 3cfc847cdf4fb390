package com.ims.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.support.auth.ImsJwtDecoders;
import com.ims.support.auth.JwtSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/** Token minting and command-line handling: what the services will accept, and typos refused. */
class BenchTest {

    private static Bench bench(String... argv) {
        return new Bench(Args.parse(argv, Bench.VALUE_OPTIONS, Bench.FLAGS));
    }

    @Test
    void mintsUserTokensTheServicesAcceptWithTheRoleClaim() {
        Bench b = bench("fanout", "--role", "traders", "--tenant", "acme");
        JwtDecoder decoder = ImsJwtDecoders.create(new JwtSettings(JwtSettings.DEV_SECRET, null, null, null, true));
        Jwt jwt = decoder.decode(b.userToken(b.userId(7)));
        assertThat(jwt.getSubject()).isEqualTo(b.userPrefix + "7");
        assertThat(jwt.getClaimAsStringList("roles")).containsExactly("traders");
        assertThat(jwt.getClaimAsString("tenant")).isEqualTo("acme");
        assertThat(jwt.getExpiresAt()).isAfter(Instant.now().plus(Duration.ofHours(11)));

        Jwt publisher = decoder.decode(b.publisherToken());
        assertThat(publisher.getClaimAsString("scope")).isEqualTo("ims:publish");
    }

    @Test
    void peersGetNoTokens() {
        Bench b = bench("idle", "--target", "peer-ws");
        assertThat(b.userToken("u1")).isEmpty();
        assertThat(b.publisherToken()).isNull();
    }

    @Test
    void requestBodyIsTheProducerRecord() {
        Bench b = bench("unicast", "--payload-bytes", "50", "--transient");
        assertThat(b.requestBody("user", "u1", "unicast", 3))
                .startsWith("{\"targetType\":\"user\",\"target\":\"u1\",\"persistent\":false,\"type\":\"notification\",")
                .contains("\"payload\":{\"bench\":\"unicast\",\"seq\":3,\"pad\":\"xxxxxxxxxx\"}");
    }

    @Test
    void parsesDurationsListsAndRefusesUnknownOptions() {
        Args a = Args.parse(new String[] {"unicast", "--rates", "100,250", "--step=1.5s", "--hold", "2m", "--no-ack"},
                Bench.VALUE_OPTIONS, Bench.FLAGS);
        assertThat(a.decimals("rates", List.of())).containsExactly(100.0, 250.0);
        assertThat(a.duration("step", null)).isEqualTo(Duration.ofMillis(1500));
        assertThat(a.duration("hold", null)).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.flag("no-ack")).isTrue();
        assertThatThrownBy(() -> Args.parse(new String[] {"idle", "--conections", "5"}, Bench.VALUE_OPTIONS, Bench.FLAGS))
                .hasMessageContaining("unknown option --conections");
        assertThatThrownBy(() -> bench("idle", "--target", "nats")).hasMessageContaining("unknown --target nats");
    }

    @Test
    void moreConnectionsThanTheOpenFileLimitAreRefusedWithAHint() {
        long limit = Bench.openFileLimit();
        assertThat(limit).isPositive();
        if (limit < 1_000_000) {
            Bench b = bench("idle", "--connections", Long.toString(limit));
            assertThatThrownBy(() -> b.newFleet(null, null)).hasMessageContaining("run several load generators");
        }
    }

    @Test
    void moreConnectionsThanSourceAddressesCanHoldAreRefused() {
        Bench b = bench("idle", "--connections", "30", "--conns-per-addr", "10", "--source-addrs", "127.0.0.1,127.0.0.2");
        assertThatThrownBy(() -> b.newFleet(null, null)).hasMessageContaining("source address");
    }
}
