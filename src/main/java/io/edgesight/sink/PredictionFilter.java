package io.edgesight.sink;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import io.edgesight.predict.Prediction;
import io.edgesight.predict.PredictionItem;

/**
 * Which predictions a sink takes: those with at least one item whose label is one of {@code labels} (any label
 * when empty) and whose score is at least {@code minScore}. With neither set, every prediction matches (also
 * frames without predictions).
 */
public record PredictionFilter(Set<String> labels, double minScore) {

    public static PredictionFilter of(String labelsCsv, double minScore) {
        Set<String> labels = labelsCsv == null || labelsCsv.isBlank() ? Set.of()
                : Arrays.stream(labelsCsv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new PredictionFilter(labels, minScore);
    }

    public boolean matchesEverything() { return labels.isEmpty() && minScore <= 0; }

    public boolean matches(Prediction p) {
        if (matchesEverything()) return true;
        for (PredictionItem it : p.predictions()) {
            if ((labels.isEmpty() || labels.contains(it.label())) && it.score() >= minScore) return true;
        }
        return false;
    }
}
