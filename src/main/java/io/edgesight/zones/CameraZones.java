package io.edgesight.zones;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.edgesight.config.UserError;

/**
 * The zones and lines of one camera, from its keys {@code zones.<zone>.*} and {@code lines.<line>.*}
 * ({@code edgesight.cameras.<id>.} left off), checked: at least 3 points and no crossing edges for a zone, two
 * distinct points for a line, points inside the frame, labels the model knows.
 */
public record CameraZones(List<ZoneSpec> zones, List<LineSpec> lines) {
    public static final CameraZones NONE = new CameraZones(List.of(), List.of());
    private static final Pattern KEY = Pattern.compile("^(zones|lines)\\.([A-Za-z0-9_-]+)\\.([a-z-]+)$");
    public static final Set<String> ZONE_KEYS = Set.of("points", "coordinates", "labels", "inertia", "loitering-seconds");
    public static final Set<String> LINE_KEYS = Set.of("points", "coordinates", "labels", "in");

    public boolean isEmpty() { return zones.isEmpty() && lines.isEmpty(); }

    /** Whether a camera key (without edgesight.cameras.<id>.) belongs to a zone or line. */
    public static boolean isZoneOrLineKey(String suffix) {
        return suffix.startsWith("zones.") || suffix.startsWith("lines.");
    }

    /**
     * The zones and lines among a camera's keys. {@code labels}: the model's labels (empty: not known, not checked);
     * {@code width}, {@code height}: the camera's frame size when configured (null: pixel points are checked against
     * the first frame instead). Every problem is reported, one line each, in one {@link UserError}.
     */
    public static CameraZones parse(String camera, Map<String, String> keys, Collection<String> labels, Integer width, Integer height) {
        Map<String, Map<String, String>> zoneKeys = new TreeMap<>(), lineKeys = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        String p = "edgesight.cameras." + camera + ".";
        keys.forEach((k, v) -> {
            if (!isZoneOrLineKey(k)) return;
            Matcher m = KEY.matcher(k);
            boolean zone = k.startsWith("zones.");
            if (!m.matches() || !(zone ? ZONE_KEYS : LINE_KEYS).contains(m.group(3))) {
                errors.add("unknown key " + p + k + "; a " + (zone ? "zone" : "line") + " has " + p + (zone ? "zones" : "lines")
                        + ".<name>." + String.join("|", new java.util.TreeSet<>(zone ? ZONE_KEYS : LINE_KEYS)));
                return;
            }
            if (v != null && !v.isBlank()) (zone ? zoneKeys : lineKeys).computeIfAbsent(m.group(2), x -> new TreeMap<>()).put(m.group(3), v.trim());
        });
        List<ZoneSpec> zones = new ArrayList<>();
        zoneKeys.forEach((name, z) -> {
            String zp = p + "zones." + name + ".";
            try {
                boolean norm = normalized(zp, z.get("coordinates"));
                List<double[]> pts = points(zp + "points", z.get("points"));
                if (pts.size() < 3) throw new UserError(zp + "points: a zone needs at least 3 points (x,y; x,y; x,y), got " + pts.size());
                inFrame(zp + "points", pts, norm, width, height);
                int[] cross = Geometry.selfIntersection(pts);
                if (cross != null) {
                    throw new UserError(zp + "points: the polygon crosses itself (edge " + (cross[0] + 1) + " meets edge " + (cross[1] + 1)
                            + "); list the corners in order around the zone");
                }
                zones.add(new ZoneSpec(name, List.copyOf(pts), norm, labels(zp + "labels", z.get("labels"), labels),
                        integer(zp + "inertia", z.get("inertia"), 3, 1, 1000), decimal(zp + "loitering-seconds", z.get("loitering-seconds"), 0)));
            } catch (UserError e) {
                errors.add(e.getMessage());
            }
        });
        List<LineSpec> lines = new ArrayList<>();
        lineKeys.forEach((name, l) -> {
            String lp = p + "lines." + name + ".";
            try {
                boolean norm = normalized(lp, l.get("coordinates"));
                List<double[]> pts = points(lp + "points", l.get("points"));
                if (pts.size() != 2) throw new UserError(lp + "points: a line is 2 points (x,y; x,y), got " + pts.size());
                if (pts.get(0)[0] == pts.get(1)[0] && pts.get(0)[1] == pts.get(1)[1]) {
                    throw new UserError(lp + "points: the line has zero length (both points are " + fmt(pts.get(0)) + ")");
                }
                inFrame(lp + "points", pts, norm, width, height);
                String in = l.getOrDefault("in", "right").toLowerCase(Locale.ROOT);
                if (!in.equals("left") && !in.equals("right")) {
                    throw new UserError(lp + "in must be left or right (the side an inbound object crosses to, looking from the first point to the second), got '" + in + "'");
                }
                lines.add(new LineSpec(name, pts.get(0), pts.get(1), norm, labels(lp + "labels", l.get("labels"), labels), in));
            } catch (UserError e) {
                errors.add(e.getMessage());
            }
        });
        if (!errors.isEmpty()) throw new UserError(String.join("\n", errors));
        return new CameraZones(List.copyOf(zones), List.copyOf(lines));
    }

    /** Points given in pixels that lie outside a {@code width} x {@code height} frame, checked when the frame size is known. */
    public static String outsideFrame(String key, List<double[]> pts, int width, int height) {
        for (double[] pt : pts) {
            if (pt[0] < 0 || pt[1] < 0 || pt[0] > width || pt[1] > height) {
                return key + ": point " + fmt(pt) + " is outside the " + width + "x" + height + " frame";
            }
        }
        return null;
    }

    private static void inFrame(String key, List<double[]> pts, boolean norm, Integer width, Integer height) {
        if (norm) {
            for (double[] pt : pts) {
                if (pt[0] < 0 || pt[1] < 0 || pt[0] > 1 || pt[1] > 1) {
                    throw new UserError(key + ": point " + fmt(pt) + " is outside the frame (normalized coordinates are 0..1)");
                }
            }
        } else if (width != null && height != null) {
            String problem = outsideFrame(key, pts, width, height);
            if (problem != null) throw new UserError(problem);
        } else {
            for (double[] pt : pts) {
                if (pt[0] < 0 || pt[1] < 0) throw new UserError(key + ": point " + fmt(pt) + " is outside the frame (negative)");
            }
        }
    }

    private static boolean normalized(String prefix, String v) {
        if (v == null || v.equalsIgnoreCase("pixels")) return false;
        if (v.equalsIgnoreCase("normalized")) return true;
        throw new UserError(prefix + "coordinates must be pixels or normalized, got '" + v + "'");
    }

    /** "x,y; x,y; ..." */
    public static List<double[]> points(String key, String v) {
        if (v == null) throw new UserError(key + " is not set: list the points as x,y; x,y; ...");
        List<double[]> out = new ArrayList<>();
        for (String part : v.split(";")) {
            if (part.isBlank()) continue;
            String[] xy = part.split(",");
            try {
                if (xy.length != 2) throw new NumberFormatException();
                double x = Double.parseDouble(xy[0].trim()), y = Double.parseDouble(xy[1].trim());
                if (!Double.isFinite(x) || !Double.isFinite(y)) throw new NumberFormatException();
                out.add(new double[] {x, y});
            } catch (NumberFormatException e) {
                throw new UserError(key + ": '" + part.trim() + "' is not a point; list the points as x,y; x,y; ...");
            }
        }
        return out;
    }

    private static Set<String> labels(String key, String v, Collection<String> known) {
        Set<String> out = new LinkedHashSet<>();
        if (v == null) return out;
        for (String l : v.split(",")) {
            String t = l.trim();
            if (t.isEmpty()) continue;
            if (!known.isEmpty() && !known.contains(t)) {
                throw new UserError(key + ": unknown label '" + t + "'; the model's labels are " + preview(known));
            }
            out.add(t);
        }
        return out;
    }

    private static String preview(Collection<String> labels) {
        List<String> l = new ArrayList<>(labels);
        return l.size() <= 12 ? String.join(", ", l) : String.join(", ", l.subList(0, 12)) + ", ... (" + l.size() + " in all)";
    }

    private static int integer(String key, String v, int def, int min, int max) {
        if (v == null) return def;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new UserError(key + " must be between " + min + " and " + max + ", got " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a whole number, got '" + v + "'");
        }
    }

    private static double decimal(String key, String v, double def) {
        if (v == null) return def;
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0) || Double.isInfinite(d)) throw new UserError(key + " must be 0 or more seconds, got " + v);
            return d;
        } catch (NumberFormatException e) {
            throw new UserError(key + " must be a number of seconds, got '" + v + "'");
        }
    }

    static String fmt(double[] pt) {
        return "(" + num(pt[0]) + ", " + num(pt[1]) + ")";
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
