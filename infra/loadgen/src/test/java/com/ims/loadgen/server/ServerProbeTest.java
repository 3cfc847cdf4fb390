package com.ims.loadgen.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ServerProbeTest {

    @Test
    void parsesCpuTicksEvenWhenTheCommandNameHasSpacesAndParens() {
        String stat = "1234 (my (odd) proc) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 30 0 100 0 0";
        assertThat(ServerProbe.parseCpuTicks(stat)).containsExactly(250, 75);
    }

    @Test
    void parsesHeapUsedFromHeapInfo() {
        String g1 = "1234:\n garbage-first heap   total reserved 6291456K, committed 262144K, used 81234K [0x...)\n"
                + "  region size 4096K, 3 young (12288K), 0 survivors (0K)\n";
        assertThat(ServerProbe.parseHeapUsedKb(g1 + " Metaspace       used 51234K, committed 52000K, reserved 1114112K\n"))
                .isEqualTo(81234);
        String serial = "1234:\n def new generation   total 4928K, used 1000K [0x...)\n  eden space 4416K,  22% used [0x...)\n"
                + " tenured generation   total 10944K, used 2000K [0x...)\n   the space 10944K,  18% used [0x...)\n"
                + " Metaspace       used 100K, committed 200K, reserved 1000K\n  class space    used 10K, committed 20K\n";
        assertThat(ServerProbe.parseHeapUsedKb(serial)).isEqualTo(3000);
        assertThat(ServerProbe.parseHeapUsedKb("nothing")).isEqualTo(-1);
    }

    @Test
    void readsThisProcessAndFindsItsListeningSocket() throws Exception {
        long self = ProcessHandle.current().pid();
        assertThat(ServerProbe.rssKb(self)).isPositive();
        assertThat(ServerProbe.cpuMicros(self)).isPositive();
        ServerProbe.CpuTime cpu = ServerProbe.cpuTime(self);
        assertThat(cpu.known()).isTrue();
        assertThat(cpu.totalMicros()).isEqualTo(cpu.userMicros() + cpu.systemMicros());
        assertThat(ServerProbe.cpuTime(Long.MAX_VALUE)).isEqualTo(ServerProbe.CpuTime.UNKNOWN);
        assertThat(ServerProbe.isJava(self)).isTrue();
        try (ServerSocket s = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningPids.pidListeningOn(s.getLocalPort())).hasValue(self);
        }
    }

    @Test
    void listeningRowsAreRecognisedByStateAndPort() {
        String row = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0";
        assertThat(ListeningPids.listeningInode(row, 8080)).isEqualTo("123456");
        assertThat(ListeningPids.listeningInode(row, 8081)).isNull();
        assertThat(ListeningPids.listeningInode(row.replace(" 0A ", " 01 "), 8080)).isNull();
    }
}
