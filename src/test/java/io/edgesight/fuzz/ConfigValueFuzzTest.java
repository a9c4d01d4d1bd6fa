package io.edgesight.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import io.edgesight.config.ConfigKeys;
import io.edgesight.config.ConfigValidator;
import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.engine.EngineOptions;
import io.edgesight.engine.ModelSpec;
import io.edgesight.predict.Decoders;
import io.edgesight.predict.DetectionDecoder;
import io.edgesight.api.HttpAuth;
import io.edgesight.sink.OutputRules;
import io.edgesight.sink.mqtt.MqttConnection;
import org.junit.jupiter.api.Test;

/**
 * Random values for every key of the table: start-up validation names the key, or accepts the value; and a value
 * it accepts is also accepted by the code that reads the key (so no type error can surface later, after the
 * engines are built or in the middle of a run). Cross-key rules (a workspace below the GPU limit, basic auth
 * needing a user) may still refuse, with one line.
 */
class ConfigValueFuzzTest {
    static final List<String> CROSS_KEY_RULES = List.of("must be below", "missing setting");

    @Test
    void everyTypedKeyNamesItselfOrAcceptsAndTheReaderAgrees() {
        int[] accepted = new int[1];
        int[] refused = new int[1];
        int n = Fuzz.tries("config values", 3000, (r, i) -> {
            ConfigKeys.Key key = ConfigKeys.all().get(i % ConfigKeys.all().size());
            String name = key.name().replace("{id}", "m");
            String value = value(r, key);
            List<String> errors = ConfigValidator.validate(Map.of(name, value), "fuzz.properties");
            if (!errors.isEmpty()) {
                refused[0]++;
                assertThat(errors).as("%s=%s", name, Fuzz.show(value)).hasSize(1);
                assertThat(errors.get(0)).contains(name).doesNotContain("\n");
                if (key.secret()) assertThat(errors.get(0)).doesNotContain(value);
                return;
            }
            accepted[0]++;
            Map<String, String> conf = new HashMap<>();
            conf.put("edgesight.models.m.path", "model");
            conf.put(name, value);
            Settings s = new Settings(conf::get);
            for (Reader reader : READERS) {
                try {
                    reader.read(s);
                } catch (UserError e) {
                    boolean crossKey = CROSS_KEY_RULES.stream().anyMatch(e.getMessage()::contains);
                    assertThat(crossKey).as("%s=%s was accepted at start-up, but then: %s", name, Fuzz.show(value), e.getMessage()).isTrue();
                } catch (RuntimeException e) {
                    throw new AssertionError(name + "=" + Fuzz.show(value) + " crashed its reader with " + e, e);
                }
            }
        });
        System.out.printf("config value fuzz: %d values over %d keys, %d accepted (and read without error), %d refused naming the key%n",
                n, ConfigKeys.all().size(), accepted[0], refused[0]);
        assertThat(accepted[0]).isPositive();
        assertThat(refused[0]).isPositive();
    }

    interface Reader {
        void read(Settings s);
    }

    /** The code that reads the keys at start-up (what EdgesightApp builds from them). */
    static final List<Reader> READERS = List.of(
            s -> ModelSpec.from("m", s),
            s -> Decoders.decoderName(s, "m"),
            s -> DetectionDecoder.Config.from("m", s),
            EngineOptions::from,
            OutputRules::new,
            HttpAuth::new,
            s -> MqttConnection.Options.from(s, "tcp://127.0.0.1:1883"));

    /** Mostly values near what the key takes: bounds, off-by-one, other cases, typos, junk. */
    static String value(SplittableRandom r, ConfigKeys.Key key) {
        String type = key.type();
        List<String> candidates = new ArrayList<>();
        if (type.startsWith("whole number") || type.startsWith("number")) {
            String[] range = type.substring(type.lastIndexOf(' ') + 1).split("\\.\\.");
            for (String b : range) {
                candidates.add(b);
                if (b.matches("-?\\d+")) {
                    long v = Long.parseLong(b);
                    candidates.add(Long.toString(v == Long.MIN_VALUE ? v : v - 1));
                    candidates.add(Long.toString(v == Long.MAX_VALUE ? v : v + 1));
                } else {
                    double d = Double.parseDouble(b);
                    candidates.add(Double.toString(d - 0.001));
                    candidates.add(Double.toString(d + 0.001));
                }
            }
            candidates.addAll(List.of("1.5", "-0", "+3", " 7 ", "NaN", "Infinity", "1e309", "0x10", "1_000", "٣", "2147483648"));
        } else if (type.equals("true|false")) {
            candidates.addAll(List.of("true", "FALSE", "True", "yes", "1", "on", " false "));
        } else if (type.contains("|") && !type.contains("url")) {
            for (String c : type.split("\\|")) {
                candidates.add(c);
                candidates.add(c.toUpperCase(Locale.ROOT));
                candidates.add(c.toLowerCase(Locale.ROOT));
                candidates.add(" " + c + " ");
                candidates.add(Fuzz.mutate(r, c, 1));
            }
        } else if (type.contains("url")) {
            candidates.addAll(List.of("tcp://broker:1883", "ssl://10.0.0.1:8883", "ws://h:80/mqtt", "http://hooks.local:8080/in",
                    "https://u:p@hooks.local/in", "tcp//broker:1883", "mqtt://b:1883", "tcp://:1883", "tcp://b:99999", "tcp://b:0",
                    "http://", "https:///x", "ftp://x/y", "http://[::1]:8080/x", "http://a b/"));
        }
        candidates.add(Fuzz.randomText(r, 5));
        candidates.add(Fuzz.token(r));
        String v = candidates.get(r.nextInt(candidates.size()));
        return r.nextInt(10) == 0 ? Fuzz.mutate(r, v, 2) : v;
    }
}
