package com.ims.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.support.net.CidrAllowlist;
import com.ims.support.net.ClientAddressResolver;
import org.junit.jupiter.api.Test;

class CidrAllowlistTest {

    @Test
    void matchesRangesOfBothFamilies() {
        CidrAllowlist list = CidrAllowlist.parse("10.0.0.0/8, 192.168.1.7, ::1", CidrAllowlist.none());
        assertThat(list.allows("10.200.3.4")).isTrue();
        assertThat(list.allows("11.0.0.1")).isFalse();
        assertThat(list.allows("192.168.1.7")).isTrue();
        assertThat(list.allows("192.168.1.8")).isFalse();
        assertThat(list.allows("::1")).isTrue();
        assertThat(list.allows("::ffff:10.1.1.1")).isTrue();
        assertThat(list.allows("not-an-ip.example")).isFalse();
    }

    @Test
    void blankMeansTheGivenDefaultAndBadEntriesFailFast() {
        assertThat(CidrAllowlist.parse("", CidrAllowlist.all()).allows("8.8.8.8")).isTrue();
        assertThat(CidrAllowlist.parse(" ", CidrAllowlist.none()).allows("127.0.0.1")).isFalse();
        assertThatThrownBy(() -> CidrAllowlist.parse("10.0.0.0/33", CidrAllowlist.none())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrAllowlist.parse("example.com", CidrAllowlist.none())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwardedForIsBelievedOnlyFromTrustedProxies() {
        ClientAddressResolver resolver = new ClientAddressResolver(CidrAllowlist.parse("127.0.0.1", CidrAllowlist.none()));
        assertThat(resolver.resolve("127.0.0.1", "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(resolver.resolve("198.51.100.1", "127.0.0.1")).isEqualTo("198.51.100.1");
        // A client-sent first hop is ignored: only the hop the trusted proxy saw counts.
        assertThat(resolver.resolve("127.0.0.1", "10.0.0.1, 203.0.113.9")).isEqualTo("203.0.113.9");
    }
}
