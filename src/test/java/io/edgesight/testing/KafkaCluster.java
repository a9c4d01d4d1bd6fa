package io.edgesight.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka cluster in KRaft mode on 127.0.0.1, from Apache Kafka's own Maven artifacts (kafka_2.13, test
 * scope): each broker (also a controller: combined mode) is its own JVM, so {@link #kill} is a real SIGKILL.
 * Replication factor 3, {@code min.insync.replicas=2}, no automatic topic creation. The brokers run Kafka's own
 * client library (target/kafka-broker, copied by the build); edgesight and the tests use camel-kafka's.
 */
public final class KafkaCluster implements AutoCloseable {
    private final Path dir;
    private final int[] ports;
    private final int[] controllerPorts;
    private final Process[] brokers;
    private final String classpath;

    private KafkaCluster(Path dir, int n) throws IOException {
        this.dir = dir;
        this.ports = new int[n];
        this.controllerPorts = new int[n];
        this.brokers = new Process[n];
        for (int i = 0; i < n; i++) {
            ports[i] = Ports.free();
            controllerPorts[i] = Ports.free();
        }
        this.classpath = brokerClasspath();
    }

    /** Formats and starts {@code n} brokers, and waits until all of them are in the cluster. */
    public static KafkaCluster start(Path dir, int n) throws Exception {
        KafkaCluster c = new KafkaCluster(dir, n);
        String clusterId = Uuid.randomUuid().toString();
        List<Process> formats = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.writeConfig(i);
            formats.add(c.java(i, "format", "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", c.config(i).toString()));
        }
        for (int i = 0; i < n; i++) {
            Process p = formats.get(i);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("formatting broker " + (i + 1) + " failed: " + Files.readString(c.log(i, "format")));
            }
        }
        for (int i = 0; i < n; i++) c.startBroker(i);
        c.awaitBrokers(n, 180);
        return c;
    }

    /** The broker classpath: the test classpath with Kafka's own kafka-clients in place of camel-kafka's. */
    private static String brokerClasspath() throws IOException {
        Path clients;
        try (Stream<Path> s = Files.list(Path.of("target/kafka-broker"))) {
            clients = s.filter(p -> p.getFileName().toString().startsWith("kafka-clients-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("target/kafka-broker/kafka-clients-*.jar missing: run mvn test-compile"));
        }
        List<String> cp = new ArrayList<>();
        cp.add(clients.toAbsolutePath().toString());
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Path.of(e).getFileName().toString().startsWith("kafka-clients-")) cp.add(e);
        }
        return String.join(File.pathSeparator, cp);
    }

    private Path config(int i) { return dir.resolve("broker-" + (i + 1) + ".properties"); }

    private Path log(int i, String what) { return dir.resolve("broker-" + (i + 1) + "-" + what + ".log"); }

    private void writeConfig(int i) throws IOException {
        Files.createDirectories(dir.resolve("data-" + (i + 1)));
        String voters = java.util.stream.IntStream.range(0, ports.length)
                .mapToObj(j -> (j + 1) + "@127.0.0.1:" + controllerPorts[j]).collect(Collectors.joining(","));
        Files.writeString(config(i), String.join("\n",
                "process.roles=broker,controller",
                "node.id=" + (i + 1),
                "controller.quorum.voters=" + voters,
                "listeners=PLAINTEXT://127.0.0.1:" + ports[i] + ",CONTROLLER://127.0.0.1:" + controllerPorts[i],
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports[i],
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data-" + (i + 1)).toAbsolutePath(),
                "default.replication.factor=" + Math.min(3, ports.length),
                "min.insync.replicas=" + Math.min(2, ports.length),
                "offsets.topic.replication.factor=" + Math.min(3, ports.length),
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=" + Math.min(3, ports.length),
                "transaction.state.log.min.isr=" + Math.min(2, ports.length),
                "transaction.state.log.num.partitions=3",
                "share.coordinator.state.topic.replication.factor=" + Math.min(3, ports.length),
                "share.coordinator.state.topic.min.isr=" + Math.min(2, ports.length),
                "auto.create.topics.enable=false",
                "unclean.leader.election.enable=false",
                "group.initial.rebalance.delay.ms=0",
                // a killed broker is fenced (and leaves the ISRs) within seconds, not the default 9 s / 30 s
                "broker.session.timeout.ms=4000",
                "broker.heartbeat.interval.ms=1000",
                "replica.lag.time.max.ms=5000",
                "num.network.threads=2",
                "num.io.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "background.threads=2",
                "log.cleaner.enable=false",
                ""));
    }

    private Process java(int i, String what, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-cp", classpath));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i, what).toFile())).start();
    }

    private void startBroker(int i) throws IOException {
        brokers[i] = java(i, "server", "kafka.Kafka", config(i).toString());
    }

    /** kill -9 of broker {@code i} (0-based): no shutdown, no flush, its sockets just close. */
    public void kill(int i) throws InterruptedException {
        Process p = brokers[i];
        if (p == null) return;
        p.destroyForcibly();
        p.waitFor(20, TimeUnit.SECONDS);
        brokers[i] = null;
    }

    /** Starts broker {@code i} again on its data (after {@link #kill}). */
    public void restart(int i) throws IOException {
        if (brokers[i] != null && brokers[i].isAlive()) throw new IllegalStateException("broker " + (i + 1) + " is running");
        startBroker(i);
    }

    public void killAll() throws InterruptedException {
        for (int i = 0; i < brokers.length; i++) kill(i);
    }

    public void restartAll() throws IOException {
        for (int i = 0; i < brokers.length; i++) restart(i);
    }

    /** Waits until {@code n} brokers answer in the cluster (and take part in the metadata). */
    public void awaitBrokers(int n, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < brokers.length; i++) {
                if (brokers[i] != null && !brokers[i].isAlive()) {
                    throw new IllegalStateException("broker " + (i + 1) + " exited: " + tail(log(i, "server")));
                }
            }
            try (Admin admin = admin()) {
                int nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (nodes >= n) return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the Kafka cluster did not have " + n + " brokers within " + seconds + " s (" + last + "): "
                + tail(log(0, "server")));
    }

    /** Creates a topic with replication factor 3 (min.insync.replicas=2 from the brokers). */
    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) Math.min(3, ports.length))
                    .configs(Map.of("min.insync.replicas", Integer.toString(Math.min(2, ports.length)))))).all().get(60, TimeUnit.SECONDS);
        }
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(p);
    }

    public String bootstrap() {
        return java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public int port(int i) { return ports[i]; }

    /** True when something accepts connections on broker {@code i}'s port. */
    public boolean listening(int i) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", ports[i]), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log);
            return s.substring(Math.max(0, s.length() - 3000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        killAll();
    }
}
