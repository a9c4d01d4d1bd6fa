package io.edgesight.sink;

import io.edgesight.api.HttpAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.edgesight.config.Settings;
import io.edgesight.config.UserError;
import io.edgesight.predict.Classification;
import io.edgesight.predict.Prediction;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class OutputRulesTest {
    final CamelContext ctx = new DefaultCamelContext();

    Exchange exchange(Object body) {
        Exchange e = new DefaultExchange(ctx);
        e.getMessage().setBody(body);
        return e;
    }

    static Prediction p(String camera, Classification... items) {
        return new Prediction(1, "node-1", camera, 0, "2025-06-01T12:00:00Z", "2025-06-01T12:00:00Z", "m",
                new Prediction.EngineInfo("e", "tensorflow", "FP32"), new Prediction.FrameSize(1, 1), List.of(items), null,
                new Prediction.BatchInfo(1, 1), new Prediction.Timings(0, 0, 0, 0, 0, 0));
    }

    @Test
    void filtersByLabelAndMinimumScore() {
        PredictionFilter f = PredictionFilter.of("person, car", 0.5);
        assertThat(f.matches(p("cam", new Classification("person", 0, 0.6)))).isTrue();
        assertThat(f.matches(p("cam", new Classification("person", 0, 0.4)))).isFalse();
        assertThat(f.matches(p("cam", new Classification("dog", 2, 0.9), new Classification("car", 1, 0.55)))).isTrue();
        assertThat(f.matches(p("cam"))).isFalse();
        assertThat(PredictionFilter.of("", 0).matches(p("cam"))).as("no filter: everything").isTrue();
        assertThat(PredictionFilter.of(null, 0.3).matches(p("cam", new Classification("x", 0, 0.31)))).isTrue();
    }

    @Test
    void webhookAndSnapshotRules() {
        Map<String, String> cfg = Map.of("edgesight.webhook.url", "http://127.0.0.1:1/hook", "edgesight.webhook.labels", "person",
                "edgesight.snapshots.dir", "/tmp/x", "edgesight.snapshots.min-interval-ms", "60000");
        OutputRules r = new OutputRules(new Settings(cfg::get));
        assertThat(r.webhook(exchange(p("cam", new Classification("person", 0, 0.2))))).isTrue();
        assertThat(r.webhook(exchange(p("cam", new Classification("cat", 0, 0.9))))).isFalse();
        assertThat(r.snapshot(exchange(p("cam", new Classification("cat", 0, 0.9))))).as("default min-score 0: any").isTrue();
        assertThat(r.snapshot(exchange(p("cam", new Classification("cat", 0, 0.9))))).as("rate limited per camera").isFalse();
        assertThat(r.snapshot(exchange(p("cam2", new Classification("cat", 0, 0.9))))).isTrue();
        OutputRules off = new OutputRules(new Settings(k -> null));
        assertThat(off.webhook(exchange(p("cam", new Classification("person", 0, 0.9))))).isFalse();
        assertThat(off.snapshot(exchange(p("cam", new Classification("person", 0, 0.9))))).isFalse();
        assertThat(off.mqttSnapshot(exchange(p("cam", new Classification("person", 0, 0.9))))).isFalse();
    }

    @Test
    void labelCountsArePublishedWhenTheyChange() {
        OutputRules r = new OutputRules(new Settings(Map.of("edgesight.mqtt.label-counts", "true")::get));
        assertThat(r.labelCountChanges(exchange(p("cam", new Classification("person", 0, 0.9), new Classification("person", 0, 0.8),
                new Classification("car/truck", 1, 0.7))))).containsExactlyInAnyOrder(
                Map.of("label", "person", "topicLabel", "person", "count", 2),
                Map.of("label", "car/truck", "topicLabel", "car_truck", "count", 1));
        assertThat(r.labelCountChanges(exchange(p("cam", new Classification("person", 0, 0.9), new Classification("person", 0, 0.8),
                new Classification("car/truck", 1, 0.7))))).as("unchanged: nothing").isEmpty();
        assertThat(r.labelCountChanges(exchange(p("cam", new Classification("person", 0, 0.9))))).containsExactlyInAnyOrder(
                Map.of("label", "person", "topicLabel", "person", "count", 1),
                Map.of("label", "car/truck", "topicLabel", "car_truck", "count", 0));
        assertThat(new OutputRules(new Settings(k -> null)).labelCountChanges(exchange(p("cam", new Classification("a", 0, 1)))))
                .as("off by default").isEmpty();
    }

    @Test
    void httpAuthBasicAndBearer() {
        HttpAuth basic = new HttpAuth(new Settings(Map.of("edgesight.http.auth", "basic", "edgesight.http.username", "admin",
                "edgesight.http.password", "pw")::get));
        Exchange ok = exchange(null);
        ok.getMessage().setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));
        basic.check(ok);
        assertThat(ok.isRouteStop()).isFalse();
        Exchange bad = exchange(null);
        bad.getMessage().setHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:nope".getBytes(StandardCharsets.UTF_8)));
        basic.check(bad);
        assertThat(bad.isRouteStop()).isTrue();
        assertThat(bad.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(bad.getMessage().getHeader("WWW-Authenticate", String.class)).startsWith("Basic realm=");

        HttpAuth bearer = new HttpAuth(new Settings(Map.of("edgesight.http.auth", "bearer", "edgesight.http.token", "t")::get));
        Exchange b = exchange(null);
        b.getMessage().setHeader("Authorization", "Bearer t");
        bearer.check(b);
        assertThat(b.isRouteStop()).isFalse();
        Exchange none = exchange(null);
        bearer.check(none);
        assertThat(none.isRouteStop()).isTrue();

        assertThatThrownBy(() -> new HttpAuth(new Settings(Map.of("edgesight.http.auth", "basic")::get)))
                .isInstanceOf(UserError.class).hasMessageContaining("missing setting edgesight.http.username");
        assertThatThrownBy(() -> new HttpAuth(new Settings(Map.of("edgesight.http.auth", "digest")::get)))
                .isInstanceOf(UserError.class).hasMessageContaining("none, basic or bearer");
    }
}
