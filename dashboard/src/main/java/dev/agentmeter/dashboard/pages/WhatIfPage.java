package dev.agentmeter.dashboard.pages;

import dev.agentmeter.analytics.GroupBy;
import dev.agentmeter.analytics.WhatIf;
import dev.agentmeter.analytics.Window;
import dev.agentmeter.dashboard.web.DataTable;
import dev.agentmeter.dashboard.web.Html;
import dev.agentmeter.dashboard.web.Page;
import dev.agentmeter.dashboard.web.Selection;
import dev.agentmeter.model.Percent;
import dev.agentmeter.pricing.PriceCatalog;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What-if: the CLI's engine on a form; a price change or a model replacement, billed against re-priced per group. */
public final class WhatIfPage {

    private final PageContext pc;
    private final PriceCatalog catalog;

    public WhatIfPage(PageContext pc, PriceCatalog catalog) {
        this.pc = pc;
        this.catalog = catalog;
    }

    public Page render(Context ctx) throws SQLException {
        Selection sel = Selection.of(ctx, "last-7-days", pc.zone(), GroupBy.MODEL);
        Window w = sel.window(Instant.now());
        String model = blank(ctx.queryParam("change-model"));
        String input = blank(ctx.queryParam("input-price-change"));
        String output = blank(ctx.queryParam("output-price-change"));
        String replace = blank(ctx.queryParam("replace-model"));
        BigDecimal inputFactor = WhatIf.parsePercent("input price change", input);
        BigDecimal outputFactor = WhatIf.parsePercent("output price change", output);
        Map<String, String> swaps = WhatIf.parseSwaps(
                "replace model", replace == null ? List.of() : Arrays.asList(replace.split("[,\\n]")), catalog);
        // A name, an alias, a catalog key or a family ("sonnet"), as the CLI takes it.
        WhatIf.Scenario scenario =
                new WhatIf.Scenario(WhatIf.resolveModels(model, catalog).models(), inputFactor, outputFactor, swaps);

        String query = sel.query(true)
                + param("change-model", model)
                + param("input-price-change", input)
                + param("output-price-change", output)
                + param("replace-model", replace);
        Page page = new Page("What-if", "/what-if", sel.zone(), query);
        String fields = "<fieldset><legend>Scenario</legend>\n"
                + "<label>Input price change <input name=\"input-price-change\" size=\"7\" placeholder=\"+50%\" value=\""
                + Html.esc(input) + "\"></label>\n"
                + "<label>Output price change <input name=\"output-price-change\" size=\"7\" placeholder=\"-20%\" value=\""
                + Html.esc(output) + "\"></label>\n"
                + "<label>…of model <input name=\"change-model\" size=\"16\" placeholder=\"all models (or a family: sonnet)\" value=\""
                + Html.esc(model) + "\"></label>\n"
                + "<label>Replace model <input name=\"replace-model\" size=\"30\" placeholder=\"gpt-4o=gpt-4o-mini\" value=\""
                + Html.esc(replace) + "\"></label>\n"
                + "</fieldset>\n";
        page.html(sel.form("/what-if", Selection.GROUPINGS, fields));
        if (scenario.isEmpty()) {
            return page.html("<p class=\"hint\">Give a price change (+50% for input, say, of one model or all) or a"
                    + " replacement (A=B: price model A's tokens as model B, at every rule of the catalog). The same engine"
                    + " as <code>agentmeter what-if</code>.</p>\n");
        }
        try (Connection c = pc.db().connection()) {
            List<WhatIf.Comparison> rows =
                    new WhatIf(catalog).compare(c, pc.usageTable(), w, sel.groupBy(), sel.filters(), scenario);
            DataTable t = new DataTable(
                            "what-if", "Billed and what-if by " + sel.groupBy().cliName() + ", " + sel.describe(w))
                    .text("key", sel.groupBy().cliName())
                    .count("events", "Events")
                    .usd("billedUsd", "Billed")
                    .usd("whatIfUsd", "What-if")
                    .usd("deltaUsd", "Delta")
                    .percent("deltaPercent", "Delta %");
            BigDecimal billed = BigDecimal.ZERO;
            BigDecimal next = BigDecimal.ZERO;
            long events = 0;
            for (WhatIf.Comparison r : rows) {
                t.row(r.key(), r.events(), r.oldUsd(), r.newUsd(), r.delta(), percent(r.delta(), r.oldUsd()));
                billed = billed.add(r.oldUsd());
                next = next.add(r.newUsd());
                events += r.events();
            }
            t.footer("total", events, billed, next, next.subtract(billed), percent(next.subtract(billed), billed));
            page.html("<dl class=\"cards\">\n")
                    .html(Views.card("Billed", billed, null, null))
                    .html(Views.card("What-if", next, null, null))
                    .html(Views.card(
                            "Delta",
                            next.subtract(billed),
                            null,
                            percent(next.subtract(billed), billed) == null
                                    ? null
                                    : Percent.human(percent(next.subtract(billed), billed))))
                    .html("</dl>\n")
                    .table(t);
        }
        return page;
    }

    private static BigDecimal percent(BigDecimal delta, BigDecimal base) {
        return Percent.of(delta, base, 1);
    }

    private static String param(String name, String value) {
        return value == null ? "" : "&" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
