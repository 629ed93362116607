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
    <label for="scenario">scenario</label>
    <vscode-single-select id="scenario" class="scenario"></vscode-single-select>
    <vscode-button id="simulate">Simulate hunk</vscode-button>
    <vscode-button id="cancel" secondary hidden>Cancel</vscode-button>
    <span id="coverage" class="coverage"></span>
    <span id="status" class="status"></span>
  </div>
  <div class="compose" id="compose">
    <label for="threads" title="Threads of your own, kind@index comma-separated, run over the scenario's world (or a file of mapped blocks)">threads</label>
    <vscode-textfield id="threads" class="threads" spellcheck="false" placeholder="pte-read@0x202,truncate@0x203"></vscode-textfield>
    <vscode-single-select id="thread-kind" class="thread-kind" title="A kind of thread the model can start"></vscode-single-select>
    <label for="thread-index">at</label>
    <vscode-textfield id="thread-index" class="thread-index" spellcheck="false" value="0x200" title="The index it works at (a truncate: the size it cuts to; an invalidation: start-end)"></vscode-textfield>
    <vscode-button id="add-thread" secondary title="Add this thread to the list">Add</vscode-button>
    <vscode-button id="run-threads" title="Run the hunk with these threads">Run threads</vscode-button>
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
      <vscode-button id="first" secondary title="First step (Home)">«</vscode-button>
      <vscode-button id="prev" secondary title="Previous step (↑)">‹</vscode-button>
      <span id="position"></span>
      <vscode-button id="next" secondary title="Next step (↓)">›</vscode-button>
      <vscode-button id="last" secondary title="Last step (End)">»</vscode-button>
    </span>
  </div>
  <vscode-split-layout id="split" class="split" split="vertical" initial-handle-position="60%" reset-on-dbl-click>
    <div slot="start" class="swimlanes">
      <div id="lanes-head" class="lanes-head"></div>
      <div id="lanes" class="lanes" tabindex="0"><div id="spacer" class="spacer"></div></div>
    </div>
    <div slot="end" class="state-pane">
      <div id="step-detail" class="step-detail"></div>
      <div class="state-bar">
        <vscode-checkbox id="changed-only" label="changed only" title="Show only what this step changed"></vscode-checkbox>
      </div>
      <div id="state" class="state">
        <div id="changes" class="changes"></div>
        <vscode-tree id="state-tree" class="state-tree" indent-guides="onHover"></vscode-tree>
      </div>
    </div>
  </vscode-split-layout>
</section>
<details open><summary>hunk</summary><div id="hunk" class="hunk"></div></details>
<script nonce="${n}" src="${attr(a.script)}"></script>
</body>
</html>`;
}
