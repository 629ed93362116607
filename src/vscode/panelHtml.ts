// The panel's page. No mail text goes in here: the script fills the page with textContent,
// so the only HTML is this fixed skeleton, locked down by a CSP with a per-load nonce.
import { randomBytes } from 'node:crypto';

export interface PanelAssets {
  /** The webview's resource origin (webview.cspSource). */
  cspSource: string;
  script: string;
  style: string;
  nonce?: string;
}

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function panelHtml(a: PanelAssets): string {
  const n = a.nonce ?? nonce();
  const csp = [
    "default-src 'none'",
    `style-src ${a.cspSource}`,
    `img-src ${a.cspSource} data:`,
    `font-src ${a.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(a.style)}">
<title>DAX Review</title>
</head>
<body>
<header>
  <div id="subject" class="subject"></div>
  <div id="where" class="where"></div>
  <div class="actions">
    <label>scenario <select id="scenario"></select></label>
    <button id="simulate" type="button">Simulate hunk</button>
    <button id="cancel" type="button" hidden>Cancel</button>
    <span id="coverage" class="coverage"></span>
    <span id="status" class="status"></span>
  </div>
  <div class="compose" id="compose">
    <label title="Threads of your own, kind@index comma-separated, run over the scenario's world (or a file of mapped blocks)">threads
      <input id="threads" type="text" spellcheck="false" placeholder="pte-read@0x202,truncate@0x203"></label>
    <select id="thread-kind" title="A kind of thread the model can start"></select>
    <label>at <input id="thread-index" type="text" spellcheck="false" value="0x200" size="8" title="The index it works at (a truncate: the size it cuts to; an invalidation: start-end)"></label>
    <button id="add-thread" type="button" title="Add this thread to the list">Add</button>
    <button id="run-threads" type="button" title="Run the hunk with these threads">Run threads</button>
  </div>
</header>
<section id="results" hidden>
  <table><thead><tr><th>scenario</th><th>pre-image</th><th>post-image</th><th>verdict</th></tr></thead>
  <tbody id="results-body"></tbody></table>
</section>
<section id="trace" hidden>
  <div class="toolbar">
    <span id="trace-title" class="trace-title"></span>
    <span class="steps">
      <button id="first" type="button" title="First step (Home)">«</button>
      <button id="prev" type="button" title="Previous step (↑)">‹</button>
      <span id="position"></span>
      <button id="next" type="button" title="Next step (↓)">›</button>
      <button id="last" type="button" title="Last step (End)">»</button>
    </span>
  </div>
  <div class="swimlanes">
    <div id="lanes-head" class="lanes-head"></div>
    <div id="lanes" class="lanes" tabindex="0"><div id="spacer" class="spacer"></div></div>
  </div>
  <div id="step-detail" class="step-detail"></div>
  <label class="filter"><input id="changed-only" type="checkbox"> changed only</label>
  <div id="state" class="state"></div>
</section>
<details open><summary>hunk</summary><div id="hunk" class="hunk"></div></details>
<script nonce="${n}" src="${attr(a.script)}"></script>
</body>
</html>`;
}
