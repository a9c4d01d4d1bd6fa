package io.edgesight.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP pass-through to a local port that the test can freeze (bytes swallowed) and hold shut: while held, new connections are accepted and
 * closed at once (as a refused connect), while connections already through go on until either side closes. Lets a
 * test decide when a client may reconnect to a restarted broker (after the test's own subscriber is back).
 */
final class TcpGate implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private volatile boolean frozen;

    TcpGate(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "tcp-gate");
        t.setDaemon(true);
        t.start();
    }

    String url() { return "tcp://127.0.0.1:" + server.getLocalPort(); }

    void hold() { open = false; }

    /** A link outage: the connections through it drop now and new ones are refused until {@link #open}. */
    void cut() {
        open = false;
        sockets.forEach(TcpGate::closeQuietly);
        sockets.clear();
    }

    /** Bytes in both directions are swallowed from now on: what is sent is in flight, never acknowledged. */
    void freeze() { frozen = true; }

    void open() {
        frozen = false;
        open = true;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                if (!open) {
                    in.close();
                    continue;
                }
                Socket out;
                try {
                    out = new Socket(InetAddress.getLoopbackAddress(), target);
                } catch (IOException e) {
                    in.close();
                    continue;
                }
                sockets.add(in);
                sockets.add(out);
                pipe(in, out);
                pipe(out, in);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                int n;
                while ((n = i.read(buf)) >= 0) {
                    if (frozen) continue;
                    o.write(buf, 0, n);
                    o.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-gate-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(TcpGate::closeQuietly);
    }
}
