package com.ims.loadgen.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Finds the process listening on a TCP port from /proc (the socket's inode in /proc/net/tcp{,6}, then the process whose
 * fd links to it), so a benchmark can say {@code --server-port 8080} instead of hunting for a pid.
 */
public final class ListeningPids {

    private ListeningPids() {
    }

    public static OptionalLong pidListeningOn(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String inode = listeningInode(line, port);
                    if (inode != null) {
                        inodes.add("socket:[" + inode + "]");
                    }
                }
            } catch (IOException e) {
                // no IPv6 table on this host: fine
            }
        }
        if (inodes.isEmpty()) {
            return OptionalLong.empty();
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                                return OptionalLong.of(Long.parseLong(proc.getFileName().toString()));
                            }
                        } catch (IOException e) {
                            // fd closed meanwhile
                        }
                    }
                } catch (IOException e) {
                    // process gone or not ours to read
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The inode of a LISTEN (state 0A) row on {@code port}, else null. */
    static String listeningInode(String line, int port) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 10 || !f[1].contains(":") || !"0A".equals(f[3])) {
            return null;
        }
        String hexPort = f[1].substring(f[1].lastIndexOf(':') + 1);
        return hexPort.equalsIgnoreCase(String.format(Locale.ROOT, "%04X", port)) ? f[9] : null;
    }
}
