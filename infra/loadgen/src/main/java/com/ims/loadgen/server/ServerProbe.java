package com.ims.loadgen.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the load generator reads about a server process on this machine: resident memory and CPU time from /proc, and
 * for a JVM the heap after a full GC via {@code jcmd}. Linux only, same host only (benchmarks here run on loopback).
 */
public final class ServerProbe {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final long TICKS_PER_SECOND = clockTicks();

    private ServerProbe() {
    }

    public static boolean alive(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** VmRSS in KiB, -1 if unreadable. */
    public static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time of all a process's threads, in microseconds, split as the kernel accounts it: {@code user} in the
     * process's own code, {@code system} in system calls on its behalf (for a server on loopback that includes the
     * receiving side of every TCP segment it sends, which the kernel processes in the sender's context).
     */
    public record CpuTime(long userMicros, long systemMicros) {

        public static final CpuTime UNKNOWN = new CpuTime(-1, -1);

        public boolean known() {
            return userMicros >= 0 && systemMicros >= 0;
        }

        public long totalMicros() {
            return known() ? userMicros + systemMicros : -1;
        }
    }

    /** utime + stime of all the process's threads, in microseconds; -1 if unreadable. */
    public static long cpuMicros(long pid) {
        return cpuTime(pid).totalMicros();
    }

    /** utime and stime of all the process's threads; {@link CpuTime#UNKNOWN} if unreadable. */
    public static CpuTime cpuTime(long pid) {
        try {
            long[] ticks = parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            return new CpuTime(ticks[0] * 1_000_000L / TICKS_PER_SECOND, ticks[1] * 1_000_000L / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return CpuTime.UNKNOWN;
        }
    }

    /** Fields 14 and 15 of /proc/pid/stat (utime, stime), counted after the command name (which may contain spaces). */
    static long[] parseCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // after ")": field 3 is state, so utime (14) is index 11 and stime (15) index 12
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    public static boolean isJava(long pid) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            String exe = cmd.split("\0", 2)[0];
            return exe.endsWith("java") || exe.contains("/java");
        } catch (IOException e) {
            return false;
        }
    }

    public static String command(long pid) {
        try {
            String cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            cmd = cmd.replace('\0', ' ').trim();
            return cmd.length() > 120 ? cmd.substring(0, 120) + "..." : cmd;
        } catch (IOException e) {
            return "?";
        }
    }

    /** Runs a full GC in a JVM ({@code jcmd <pid> GC.run}); false if not a JVM or jcmd failed. */
    public static boolean fullGc(long pid) {
        return isJava(pid) && jcmd(pid, "GC.run") != null;
    }

    /** Asks a non-JVM server to collect garbage (GET on its debug endpoint, e.g. a Node peer's /gc); true on 2xx. */
    public static boolean httpGc(String url) {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<Void> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Heap used in KiB per {@code jcmd <pid> GC.heap_info} (first "used NK"), -1 if unknown. */
    public static long heapUsedKb(long pid) {
        if (!isJava(pid)) {
            return -1;
        }
        String out = jcmd(pid, "GC.heap_info");
        return out == null ? -1 : parseHeapUsedKb(out);
    }

    /**
     * Sums "used NK" over the heap's generation lines (G1 prints one line for the heap, Serial and Parallel one per
     * generation); Metaspace and class space lines are not heap.
     */
    static long parseHeapUsedKb(String heapInfo) {
        long total = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("space")) {
                continue;
            }
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(1));
                found = true;
            }
        }
        return found ? total : -1;
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), command))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
