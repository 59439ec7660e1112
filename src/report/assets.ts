/** The report's one stylesheet and one script. Both are inline and allowed by the CSP through
 * their SHA-256 hashes (render.ts computes them), so they must not depend on anything generated. */

export const CSS = `
:root{--ink:#0f172a;--ink2:#334155;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#1d4ed8;
--crit:#991b1b;--high:#c2410c;--med:#a16207;--low:#1d4ed8;--info:#475569;--new:#fef3c7;--newline:#f59e0b;--warn:#b91c1c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:#f1f5f9;border:1px solid #e2e8f0;border-radius:3px;padding:0 3px;overflow-wrap:anywhere}
code.nb{white-space:nowrap;overflow-wrap:normal}
.masthead{background:#13224a;color:#fff;padding:28px 0 22px;border-bottom:3px solid #1d4ed8}
.wrap{max-width:1180px;margin:0 auto;padding:0 28px}
.masthead h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
.masthead .sub{margin-top:6px;color:#cbd5e1;font-size:13px}
.masthead .sub strong{color:#fff;font-weight:600}
.toc{background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:5}
.toc .wrap{display:flex;flex-wrap:wrap;gap:4px 18px;padding-top:9px;padding-bottom:9px;font-size:13px}
.toc a{color:var(--ink2);font-weight:500}.toc .fn-links{display:flex;flex-wrap:wrap;gap:4px 14px}.toc .fn-links a{color:var(--accent);font-weight:400;max-width:22em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.toc .sep{color:var(--line)}
main.wrap{padding-top:8px;padding-bottom:60px}
.block{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:22px 26px;margin:20px 0;box-shadow:0 1px 2px rgba(15,23,42,.04)}
h2{font-size:20px;margin:0 0 10px;font-weight:650;letter-spacing:-.01em}
h3{font-size:15px;margin:26px 0 6px;font-weight:650;color:var(--ink)}
h4{font-size:13px;margin:18px 0 6px;font-weight:650;color:var(--ink2);text-transform:uppercase;letter-spacing:.04em}
.intro{color:var(--ink2);margin:4px 0 12px;max-width:78em}
.lede{font-size:15px;color:var(--ink2);max-width:70em}
.note,.stat{color:var(--muted);font-size:12.5px;margin:6px 0}.stat{color:var(--ink2)}
.empty{color:var(--muted);font-style:italic}
.muted{color:var(--muted)}.small{font-size:12px}.nowrap{white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin:8px 0 18px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:#fff}
.cards .card:first-child{border-left:5px solid var(--low)}
.cards-critical .card:first-child{border-left-color:var(--crit)}.cards-high .card:first-child{border-left-color:var(--high)}.cards-medium .card:first-child{border-left-color:var(--med)}
.card-label{font-size:11.5px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:600}
.card-value{font-size:26px;font-weight:680;margin:2px 0;letter-spacing:-.02em}
.card-sub{font-size:12.5px;color:var(--ink2)}
.key-findings{margin:6px 0 0;padding-left:22px}.key-findings li{margin:5px 0}
.table-wrap{overflow-x:auto;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th{text-align:left;font-weight:600;color:var(--ink2);background:#f1f5f9;border-bottom:1px solid #cbd5e1;padding:7px 9px;white-space:nowrap;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td{border-bottom:1px solid var(--line);padding:6px 9px;vertical-align:top}
tbody tr:hover td{background:#f8fafc}
.num{text-align:right;font-variant-numeric:tabular-nums}
tr.row-new td{background:var(--new)}tr.row-new td:first-child{box-shadow:inset 3px 0 0 var(--newline)}
tr.row-warn td{background:#fef2f2}
.sev{display:inline-block;min-width:62px;text-align:center;border-radius:4px;padding:1px 7px;font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.04em;color:#fff}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.tag{display:inline-block;border-radius:10px;padding:0 8px;font-size:11px;font-weight:650;white-space:nowrap;vertical-align:1px}
.tag-new{background:#f59e0b;color:#fff}.tag-warn{background:#fee2e2;color:#991b1b}.tag-muted{background:#e2e8f0;color:#334155}.tag-ok{background:#dcfce7;color:#166534}
.cc{color:#b91c1c;background:#fee2e2;border-radius:2px;font-size:.85em;padding:0 1px}
.ev-link{font-size:12px;white-space:nowrap;margin-left:4px}
.function{border-top:4px solid var(--accent)}
.fn-title{font-size:22px;word-break:break-all}.fn-kicker{display:block;font-size:11.5px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);font-weight:600}
.subnav{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0 4px}
.subnav a{border:1px solid var(--line);border-radius:14px;padding:2px 11px;font-size:12.5px;color:var(--ink2);background:#f8fafc}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
.kv dt{color:var(--muted);font-size:12.5px}.kv dd{margin:0;word-break:break-word}
.evidence{border:1px solid var(--line);border-radius:8px;padding:10px 16px;margin:10px 0}
.evidence .kv{font-size:13px;gap:2px 16px}
details.fp{font-size:12.5px;color:var(--ink2);margin:4px 0}details.fp summary{cursor:pointer;color:var(--muted)}details.fp ul{margin:4px 0;padding-left:20px}
.evidence header{font-weight:600;margin-bottom:4px}.evidence footer{font-size:12px;margin-top:4px}
.evidence:target{outline:3px solid #93c5fd}
.ev-n{color:var(--muted)}
.back{text-align:right;font-size:12px;margin:16px 0 0}
figure.chart{margin:10px 0 6px}
svg{display:block;width:100%;height:auto;font-family:inherit}
svg .grid{stroke:#eef2f7;stroke-width:1}svg .grid-day{stroke:#d5dde8}
svg .axis{stroke:#94a3b8;stroke-width:1}
svg .tick{fill:#64748b;font-size:11px}svg .axis-label{fill:#64748b;font-size:11px}
svg .series{fill:none;stroke:#1d4ed8;stroke-width:1.6;stroke-linejoin:round}
svg .band{fill:#94a3b8;fill-opacity:.32;stroke:none}
svg .band-median{fill:none;stroke:#64748b;stroke-width:1;stroke-dasharray:3 3}
svg .incident{fill:#fde68a;fill-opacity:.28}
svg .incident-label{fill:#a16207;font-size:11px;font-weight:600}
svg .spike{fill:#ef4444;fill-opacity:.16;stroke:#dc2626;stroke-width:1.2}
svg .spike-label{fill:#b91c1c;font-size:11.5px;font-weight:700}
svg .legend text{fill:#334155;font-size:11.5px}svg .legend line.series{stroke-width:2.2}
svg .lane-label{fill:#334155;font-size:12px}
svg .lane-empty{fill:#fee2e2}svg .lane-data{fill:#60a5fa}svg .lane-snap-bg{fill:#f1f5f9}svg .lane-snap{fill:#7c3aed}
.tl-controls{display:none;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:6px 0;font-size:13px}
.js .tl-controls{display:flex}
.tl-controls input[type=search]{font:inherit;padding:4px 8px;border:1px solid #cbd5e1;border-radius:6px;width:260px;margin-left:6px}
.tl-src{user-select:none}
.src{font-size:11.5px;font-weight:600;color:#334155}
.src-cloudtrail{color:#9a3412}.src-logs{color:#1d4ed8}.src-flow{color:#047857}.src-config{color:#7c3aed}.src-eni{color:#0f766e}.src-metrics{color:#475569}
.tl-table td{padding-top:4px;padding-bottom:4px}
.tl .table-wrap{max-height:560px;overflow:auto;border:1px solid var(--line);border-radius:6px}
.tl thead th{position:sticky;top:0;z-index:1}
td.fn-col{min-width:11em;max-width:16em;overflow-wrap:anywhere}td.title-col{min-width:24em}
footer.colophon{color:var(--muted);font-size:12px;text-align:center;margin:30px 0}
@media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}}
@media print{body{background:#fff}.tl .table-wrap{max-height:none;overflow:visible}.toc,.tl-controls,.subnav,.back{display:none!important}.block{box-shadow:none;break-inside:auto;border:0;padding:0}.function{break-before:page}tr{break-inside:avoid}}
`;

/** Filters each timeline by text and source. Reads only textContent and data-* attributes and
 * sets only `hidden` and textContent: it never turns data into markup. */
export const SCRIPT = `
(function () {
  document.documentElement.classList.add('js');
  var boxes = document.querySelectorAll('.tl');
  for (var b = 0; b < boxes.length; b++) {
    (function (box) {
      var input = box.querySelector('input[type=search]');
      var checks = box.querySelectorAll('input[data-src]');
      var rows = box.querySelectorAll('tbody tr');
      var count = box.querySelector('.tl-count');
      if (!input || !count) return;
      function apply() {
        var q = input.value.trim().toLowerCase();
        var on = Object.create(null);
        for (var i = 0; i < checks.length; i++) if (checks[i].checked) on[checks[i].getAttribute('data-src')] = true;
        var shown = 0;
        for (var j = 0; j < rows.length; j++) {
          var r = rows[j];
          var ok = on[r.getAttribute('data-src')] === true && (q === '' || r.textContent.toLowerCase().indexOf(q) >= 0);
          r.hidden = !ok;
          if (ok) shown++;
        }
        count.textContent = shown + ' of ' + rows.length + ' shown';
      }
      box.addEventListener('input', apply);
      box.addEventListener('change', apply);
      apply();
    })(boxes[b]);
  }
})();
`;
