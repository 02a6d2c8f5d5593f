package dev.agentmeter.bench;

import dev.agentmeter.model.json.ContractJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** The benchmark's results as a markdown table, a JSON document and a throughput-over-time chart. */
final class Report {

    private Report() {}

    static Map<String, Long> percentiles(List<Long> values) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (values.isEmpty()) {
            return out;
        }
        Collections.sort(values);
        out.put("p50", values.get((int) Math.min(values.size() - 1, Math.round(values.size() * 0.50) - 0)));
        out.put("p95", values.get((int) Math.min(values.size() - 1, Math.round(values.size() * 0.95))));
        out.put("p99", values.get((int) Math.min(values.size() - 1, Math.round(values.size() * 0.99))));
        out.put("samples", (long) values.size());
        return out;
    }

    static void write(Path dir, Map<String, Object> figures, List<long[]> perSecond) throws Exception {
        figures.put("date", LocalDate.now(ZoneId.systemDefault()).toString());
        Files.writeString(
                dir.resolve("e2e.json"),
                ContractJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures) + "\n");

        StringBuilder md = new StringBuilder();
        md.append("# End-to-end benchmark (")
                .append(figures.get("date"))
                .append(")\n\n")
                .append(
                        "`mvn -B install -DskipTests && mvn -B -pl benchmarks -Pbench -DskipTests verify -Dbench.events=")
                .append(figures.get("events"))
                .append("` on ")
                .append(figures.get("machine"))
                .append("; broker, processor (own JVM), Connect and ")
                .append("PostgreSQL all on this machine. Raw figures: `e2e.json`; chart: `e2e-throughput.png`.\n\n")
                .append("| stage | events/s |\n|---|---|\n")
                .append("| producer client (track → Kafka, unpaced) | ")
                .append(figures.get("client_events_per_s"))
                .append(" |\n")
                .append("| stream processor (full topology, EOS) | ")
                .append(figures.get("processor_events_per_s"))
                .append(" |\n")
                .append("| baseline: pass-through topology, EOS, same records | ")
                .append(figures.get("passthrough_events_per_s"))
                .append(" |\n")
                .append("| sink connector → PostgreSQL (rows/s) | ")
                .append(figures.get("sink_rows_per_s"))
                .append(" |\n")
                .append("| baseline: raw COPY of the same rows | ")
                .append(figures.get("raw_copy_rows_per_s"))
                .append(" |\n\n")
                .append("Processor while busy: ")
                .append(figures.get("processor_cpu_cores"))
                .append(" cores, heap ")
                .append(figures.get("processor_heap_mib"))
                .append(" MiB, RSS ")
                .append(figures.get("processor_rss_mib"))
                .append(" MiB. The whole machine meanwhile: ")
                .append(figures.get("machine_cpu_cores_busy"))
                .append(" of ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores busy (")
                .append(figures.get("bench_jvm_cpu_cores"))
                .append(" in the benchmark JVM: broker, Connect, client, followers; the rest mostly PostgreSQL), ")
                .append(figures.get("machine_cpu_cores_stolen"))
                .append(" stolen by the hypervisor.\n\n")
                .append("Latency at ")
                .append(figures.get("latency_rate_events_per_s"))
                .append(" events/s (half the pipeline's rate, 30 s), from the event's timestamp:\n\n")
                .append("| to | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|\n");
        for (String stage : List.of("priced", "alert", "postgres")) {
            @SuppressWarnings("unchecked")
            Map<String, Long> p = (Map<String, Long>) figures.get("latency_to_" + stage + "_ms");
            md.append("| ")
                    .append(stage)
                    .append(" | ")
                    .append(p.get("p50"))
                    .append(" | ")
                    .append(p.get("p95"))
                    .append(" | ")
                    .append(p.get("p99"))
                    .append(" |\n");
        }
        Files.writeString(dir.resolve("e2e.md"), md.toString());

        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(450)
                .title("agentmeter end-to-end throughput")
                .xAxisTitle("seconds since the first event")
                .yAxisTitle("per second")
                .build();
        List<Double> x = new ArrayList<>();
        List<Double> priced = new ArrayList<>();
        List<Double> rows = new ArrayList<>();
        for (long[] s : perSecond) {
            x.add((double) s[0]);
            priced.add((double) s[1]);
            rows.add((double) s[2]);
        }
        if (!x.isEmpty()) {
            chart.addSeries("priced records (processor)", x, priced);
            chart.addSeries("rows in PostgreSQL (sink)", x, rows);
        }
        ImageIO.write(
                BitmapEncoder.getBufferedImage(chart),
                "png",
                dir.resolve("e2e-throughput.png").toFile());
    }
}
