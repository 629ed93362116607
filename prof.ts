import { getCParser } from './src/c/parser';
import { explore } from './src/check/explore';
import { DaxMachine, link, referenceFunctions, SCENARIOS, THREAD_KINDS, type ScenarioSpec } from './src/model/index';
(async () => {
  await getCParser();
  const n = Number(process.argv[2] ?? 6);
  const base = SCENARIOS.find((s) => s.name === 'pmd-downgrade')!;
  const indexes = Array.from({ length: n }, (_, i) => 0x202 + i);
  const spec: ScenarioSpec = { ...base, name: `pmd-downgrade-${n}`, indexes, blocks: indexes.map((x) => [x, base.blocks![0][1]]), threads: indexes.map((x) => THREAD_KINDS['dax-read'].make(x, 0)) };
  const t0 = performance.now();
  const v = explore(new DaxMachine(spec, link(referenceFunctions({}))), { maxStates: 1e8, maxMs: 1e7 });
  console.log(n, v.verdict, v.states, v.transitions, Math.round((v.bytes ?? 0) / v.states), 'B/state', v.blocks, 'blocks', Math.round(performance.now() - t0), 'ms', Math.round(process.memoryUsage().rss / 1e6), 'MB rss', Math.round(process.memoryUsage().heapUsed / 1e6), 'MB heap', Math.round(process.memoryUsage().arrayBuffers / 1e6), 'MB buffers');
})();
