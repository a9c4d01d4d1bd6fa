package io.edgesight.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The harness's figures: XY line charts written as PNG, without a display (java.awt.headless). */
final class Charts {
    private static final int WIDTH = 860;
    private static final int HEIGHT = 500;

    private Charts() {}

    /** One line of a chart: its name and its points in x order (or time order). */
    record Line(String name, List<double[]> points, boolean dashed) {
        Line(String name, List<double[]> points) { this(name, points, false); }
    }

    static Path write(Path png, String title, String xLabel, String yLabel, List<Line> lines, boolean logX, boolean logY)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line l : lines) {
            XYSeries s = new XYSeries(l.name(), false, true);
            for (double[] p : l.points()) if (!logY || p[1] > 0) s.add(p[0], p[1]);
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (logX) plot.setDomainAxis(log(xLabel));
        if (logY) {
            plot.setRangeAxis(log(yLabel));
            // whole decades, so every line has a labelled tick below and above it
            double min = lines.stream().flatMap(l -> l.points().stream()).mapToDouble(p -> p[1]).filter(v -> v > 0).min().orElse(1);
            double max = lines.stream().flatMap(l -> l.points().stream()).mapToDouble(p -> p[1]).max().orElse(10);
            plot.getRangeAxis().setRange(Math.pow(10, Math.floor(Math.log10(min))), Math.pow(10, Math.ceil(Math.log10(max * 1.01))));
        }
        if (!logX && plot.getDomainAxis() instanceof NumberAxis n) n.setAutoRangeIncludesZero(false);
        if (!logY && plot.getRangeAxis() instanceof NumberAxis n) n.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < lines.size(); i++) {
            r.setSeriesStroke(i, lines.get(i).dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
            r.setSeriesShapesVisible(i, lines.get(i).points().size() <= 40);
        }
        plot.setRenderer(r);
        if (png.toAbsolutePath().getParent() != null) Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        return png;
    }

    private static ValueAxis log(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        a.setSmallestValue(0.1);
        a.setMinorTickMarksVisible(true);
        a.setMinorTickCount(9);
        // one labelled tick per decade (1, 10, 100, 1,000), written as plain numbers rather than powers of ten
        a.setAutoTickUnitSelection(false);
        a.setTickUnit(new NumberTickUnit(1));
        a.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        return a;
    }

    static List<double[]> points(Map<? extends Number, ? extends Number> xy) {
        return xy.entrySet().stream().map(e -> new double[] {e.getKey().doubleValue(), e.getValue().doubleValue()}).toList();
    }
}
