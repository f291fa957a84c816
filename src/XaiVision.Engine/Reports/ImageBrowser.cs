using System.Text.Json;
using XaiVision.Engine.Metrics;

namespace XaiVision.Engine.Reports;

/// <summary>
/// <c>browser.html</c>: every per-image result of an audit, paged, filtered (class, method, prediction change, failed), sorted
/// by any metric, and opened (every map of the image). Static, no external scripts: the rows travel as
/// <c>browser/rows-NNNN.js</c> chunks of <see cref="ChunkRows"/> rows loaded one after another by script tags — browsers
/// refuse <c>fetch</c> of <c>images.csv</c> from a page opened from disk, script tags work from disk and from blob storage
/// alike. The first chunk renders at once; the rest stream in. <c>browser.html#selftest</c> drives the page itself (filters,
/// sorts, opens an image) and writes the outcome and timings on <c>&lt;body data-…&gt;</c>, for the browser test.
/// </summary>
public static class ImageBrowser
{
    public const int ChunkRows = 5000;

    /// <summary>The record's rows: one per explanation, or one for the failure, or one with the prediction only (no target: no map).</summary>
    public static IEnumerable<object?[]> Rows(ImageRecord r, IReadOnlyList<string> metrics)
    {
        if (r.Error is not null)
        {
            yield return [r.Image, r.Name, null, null, null, null, null, r.Error, null, null, null, null, null, .. metrics.Select(_ => (object?)null)];
            yield break;
        }
        foreach (var e in ExplanationsOrNone(r))
            yield return [r.Image, r.Name, r.Prediction!.Name, Math.Round(r.Prediction.Probability, 4), e?.Target.Name, e?.Method,
                e?.Comparison is null ? null : e.Comparison.PredictionChanged ? 1 : 0, null, e?.Heatmap?.Path, e?.Overlay, r.Input,
                new[] { r.Figure, r.PerturbationFigure, r.MaskingFigure, r.Archive }, Concepts(e),
                .. metrics.Select(m => e?.Metrics is not null && e.Metrics.TryGetValue(m, out var v) ? (object?)Math.Round(v, 5) : null)];
    }

    /// <summary>A concept method's most relevant channels of the map, "layer: #c (share), …" (the browser links them to the report's atlas).</summary>
    static string? Concepts(ExplanationRecord? e) => e?.Concepts is { } c
        ? $"{c.Layer}: {string.Join(", ", c.Top.Take(3).Select(t => $"#{t.Channel} ({Invariant.Number(100 * t.Share, "F0")} %)"))}" : null;

    /// <summary>An explained image's explanations; for one explained for no class (a multi-label image without a positive label), one null:
    /// its row carries the prediction only.</summary>
    internal static IEnumerable<ExplanationRecord?> ExplanationsOrNone(ImageRecord r) =>
        r.Explanations.Count > 0 ? r.Explanations.Select(e => (ExplanationRecord?)e) : [null];

    public static string ChunkName(int index) => $"browser/rows-{index:D4}.js";

    public static string Chunk(IEnumerable<object?[]> rows) => $"XV.add({JsonSerializer.Serialize(rows)});\n";

    /// <summary><c>browser.html</c>: its index (metrics, methods, classes, how many rows in how many chunks) comes from the folded records.</summary>
    public static string PageFor(ReportModel model)
    {
        var (report, metrics) = (model.Report, model.AllMetrics);
        var meta = new
        {
            metrics,
            lowerIsBetter = metrics.Where(m => report.Outputs?.GetValueOrDefault(m)?.Direction == MetricDirection.LowerIsBetter).ToList(),
            methods = report.Methods,
            classes = model.Classes,
            chunks = Math.Max(1, (model.Rows + ChunkRows - 1) / ChunkRows),
            total = model.Rows,
            model = report.Model,
        };
        return Page.Replace("/*META*/", JsonSerializer.Serialize(meta));
    }

    const string Page = """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>XaiVision image browser</title><style>
        body{font-family:system-ui,sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:13px;margin:8px 0}
        td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}th{background:#f3f3f3;cursor:pointer}tbody tr:hover{background:#eef5ff;cursor:pointer}
        #controls label,#controls select{margin-right:10px}#detail img{width:160px;height:160px;image-rendering:pixelated;border:1px solid #ccc}
        #detail figure{display:inline-block;margin:4px;text-align:center;font-size:12px}.failed{color:#c62828}
        </style></head><body><h1>Images <small id="model"></small></h1><p id="status">loading…</p>
        <div id="controls"><label>class <select id="cls"><option value="">all</option></select></label>
        <label>method <select id="method"><option value="">all</option></select></label>
        <label><input type="checkbox" id="changed"> prediction changed</label><label><input type="checkbox" id="failed"> failed only</label>
        <label>sort by <select id="sort"><option value="">image</option></select></label>
        <label><select id="order"><option value="best">best first</option><option value="worst">worst first</option></select></label></div>
        <table><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table>
        <div><button id="prev">‹ previous</button> <span id="page"></span> <button id="next">next ›</button></div><div id="detail"></div>
        <script>
        const META = /*META*/;
        const XV = { rows: [], shown: [], page: 0, loaded: 0, firstRender: null, per: 50 };
        const $ = id => document.getElementById(id);
        const M0 = 13, esc = s => String(s ?? '').replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
        const short = n => String(n).replace(/^images\//, '');
        function options(select, values) { for (const v of values) select.add(new Option(v, v)); }
        $('model').textContent = META.model;
        options($('cls'), META.classes); options($('method'), META.methods); options($('sort'), META.metrics);
        $('head').innerHTML = ['image', 'prediction', 'explained', 'method', 'changed', ...META.metrics.map(m => m + (META.lowerIsBetter.includes(m) ? ' ↓' : ' ↑'))]
          .map(h => `<th>${esc(h)}</th>`).join('');
        function apply() {
          const cls = $('cls').value, method = $('method').value, changed = $('changed').checked, failed = $('failed').checked;
          const metric = $('sort').value, column = M0 + META.metrics.indexOf(metric);
          const lower = META.lowerIsBetter.includes(metric), best = $('order').value === 'best';
          let rows = XV.rows.filter(r => (!cls || r[2] === cls) && (!method || r[5] === method) && (!changed || r[6] === 1) && (!failed || r[7] !== null));
          if (metric) {
            const sign = (lower === best) ? 1 : -1;
            rows = rows.filter(r => r[column] !== null).sort((a, b) => sign * (a[column] - b[column]));
          }
          XV.shown = rows; XV.page = 0; render();
        }
        function render() {
          const start = XV.page * XV.per, page = XV.shown.slice(start, start + XV.per);
          $('rows').innerHTML = page.map((r, i) => r[7] !== null
            ? `<tr data-i="${start + i}"><td>${esc(short(r[1]))}</td><td class="failed" colspan="${4 + META.metrics.length}">FAILED: ${esc(r[7])}</td></tr>`
            : `<tr data-i="${start + i}"><td>${esc(short(r[1]))}</td><td>${esc(r[2])} (${(100 * r[3]).toFixed(0)} %)</td>`
              + `<td>${r[4] === null ? 'no positive label' : esc(r[4])}</td><td>${esc(r[5] ?? '')}</td>`
              + `<td>${r[6] === 1 ? 'CHANGED' : r[6] === 0 ? 'same' : ''}</td>` + META.metrics.map((m, k) => `<td>${r[M0 + k] ?? '–'}</td>`).join('') + '</tr>').join('');
          const pages = Math.max(1, Math.ceil(XV.shown.length / XV.per));
          $('page').textContent = `page ${XV.page + 1} of ${pages} · ${XV.shown.length} rows`;
          $('status').textContent = XV.loaded < META.chunks ? `loading… ${XV.rows.length} of ${META.total} rows` : `${META.total} rows`;
          if (XV.firstRender === null) XV.firstRender = performance.now();
        }
        function open(row) {
          const same = XV.rows.filter(r => r[1] === row[1] && r[7] === null);
          const archive = (row[11] || [])[3];
          const figure = (src, caption) => !src ? '' : archive ? `<figure>${esc(caption)}<br><code>${esc(src)}</code></figure>`
            : `<figure><img src="${esc(src)}" alt="${esc(caption)}"><br>${esc(caption)}</figure>`;
          $('detail').innerHTML = `<h2>${esc(short(row[1]))}</h2>` + (row[7] !== null ? `<p class="failed">FAILED: ${esc(row[7])}</p>`
            : figure(row[10], short(row[1])) + same.filter(r => r[5] !== null).map(r => figure(r[8], `${r[5]} → ${r[4]} map`) + figure(r[9], `${r[5]} → ${r[4]} overlay`)).join('')
              + same.filter(r => r[12]).map(r => `<p class="concepts">${esc(r[5])} → ${esc(r[4])}, concepts at ${esc(r[12])} — <a href="report.html#concepts">the atlas</a></p>`).join('')
              + (archive ? `<p>These pictures are in <a href="${esc(archive)}">${esc(archive)}</a> at the paths shown.</p>`
                : `<p>${(row[11] || []).slice(0, 3).map((src, k) => src ? `<a href="${esc(src)}">${['figure', 'transformations', 'masking'][k]}</a>` : '').filter(a => a).join(' · ')}</p>`));
          $('detail').scrollIntoView();
        }
        $('rows').addEventListener('click', e => { const tr = e.target.closest('tr'); if (tr) open(XV.shown[+tr.dataset.i]); });
        for (const id of ['cls', 'method', 'changed', 'failed', 'sort', 'order']) $(id).addEventListener('change', apply);
        $('prev').onclick = () => { if (XV.page > 0) { XV.page--; render(); } };
        $('next').onclick = () => { if ((XV.page + 1) * XV.per < XV.shown.length) { XV.page++; render(); } };
        XV.add = rows => {
          for (const r of rows) XV.rows.push(r);
          XV.loaded++;
          if (XV.loaded === 1 || XV.loaded === META.chunks) apply(); else $('status').textContent = `loading… ${XV.rows.length} of ${META.total} rows`;
          if (XV.loaded < META.chunks) load(XV.loaded); else done();
        };
        function load(i) { const s = document.createElement('script'); s.src = `browser/rows-${String(i).padStart(4, '0')}.js`; document.head.appendChild(s); }
        function done() {
          document.body.dataset.rows = XV.rows.length;
          document.body.dataset.firstRenderMs = Math.round(XV.firstRender);
          document.body.dataset.loadedMs = Math.round(performance.now());
          if (location.hash === '#selftest') selftest();
          if (location.hash.startsWith('#image=')) { // the report's strategy scatter links here
            const name = decodeURIComponent(location.hash.slice(7)), row = XV.rows.find(r => r[1] === name);
            if (row) open(row);
          }
        }
        function selftest() {
          const fail = why => { document.body.dataset.selftest = 'failed: ' + why; };
          const change = (id, value) => { const el = $(id); if (el.type === 'checkbox') el.checked = value; else el.value = value; el.dispatchEvent(new Event('change')); };
          const cls = META.classes[0], metric = META.metrics[0], column = M0;
          let t = performance.now();
          change('cls', cls);
          if (!XV.shown.length || XV.shown.some(r => r[2] !== cls)) return fail('class filter');
          change('sort', metric);
          const values = XV.shown.map(r => r[column]), lower = META.lowerIsBetter.includes(metric);
          if (values.some((v, i) => i > 0 && (lower ? v < values[i - 1] : v > values[i - 1]))) return fail('sort');
          document.body.dataset.filterSortMs = Math.round(performance.now() - t);
          const rendered = $('rows').querySelectorAll('tr').length;
          if (rendered !== Math.min(XV.per, XV.shown.length)) return fail('rendered ' + rendered);
          $('rows').querySelector('tr td').click();
          if (!$('detail').querySelector('h2') || !$('detail').textContent.includes(short(XV.shown[0][1]))) return fail('open');
          document.body.dataset.shown = XV.shown.length;
          document.body.dataset.opened = XV.shown[0][1];
          document.body.dataset.selftest = 'passed';
        }
        load(0);
        </script></body></html>
        """;
}
