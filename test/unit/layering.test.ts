// The pipeline order is the dependency order: no stage imports a later one, and only
// the VS Code surface imports 'vscode'.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const STAGES = ['mail', 'patch', 'c', 'model', 'check', 'bind', 'review', 'cli', 'vscode'];
const SURFACES = new Set(['cli', 'vscode']);
const src = path.join(__dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
}

describe('layering', () => {
  for (const stage of STAGES) {
    it(`${stage} imports only earlier stages`, () => {
      const dir = path.join(src, stage);
      assert.ok(statSync(dir, { throwIfNoEntry: false })?.isDirectory(), `src/${stage} is missing: the pipeline has a folder per stage`);
      const rank = STAGES.indexOf(stage);
      for (const f of files(dir)) {
        for (const spec of imports(f)) {
          if (spec === 'vscode') {
            assert.ok(stage === 'vscode', `${path.relative(src, f)} imports 'vscode'`);
            continue;
          }
          if (!spec.startsWith('.')) continue;
          const target = path.relative(src, path.resolve(path.dirname(f), spec)).split(path.sep)[0];
          const t = STAGES.indexOf(target);
          if (t < 0) continue;
          const ok = t <= rank && !(SURFACES.has(target) && target !== stage);
          assert.ok(ok, `${path.relative(src, f)} (stage ${stage}) imports ${spec} (stage ${target})`);
        }
      }
    });
  }

  // Inside the model: the core (IR lowering, the era machinery) knows no era and no object; an
  // era is data and C the core reads. Objects know no era and no property; properties read
  // objects, never an era.
  const MODEL_RULES: [string, string[]][] = [
    ['core', ['eras', 'objects', 'properties']],
    ['objects', ['eras', 'properties', 'dax-machine', 'scenarios']],
    ['properties', ['eras', 'dax-machine', 'scenarios']],
    ['eras', ['dax-machine', 'properties']],
  ];
  // The IR and the VM know no kernel: they take the objects' primitives and hooks as given
  // (objects/object.ts declares their shape), never an object, a property or an era.
  for (const file of ['ir.ts', 'vm.ts', 'live.ts', 'memo.ts', 'machine.ts']) {
    it(`src/model/${file} imports no object, property or era`, () => {
      const f = path.join(src, 'model', file);
      for (const spec of imports(f)) {
        if (!spec.startsWith('.')) continue;
        const target = path.relative(path.join(src, 'model'), path.resolve(path.dirname(f), spec));
        const top = target.split(path.sep)[0];
        assert.ok(!['eras', 'properties'].includes(top) && (top !== 'objects' || target === path.join('objects', 'object')),
          `${file} imports ${spec}`);
      }
    });
  }
  for (const [folder, banned] of MODEL_RULES) {
    it(`src/model/${folder} imports none of ${banned.join(', ')}`, () => {
      const dir = path.join(src, 'model', folder);
      assert.ok(statSync(dir, { throwIfNoEntry: false })?.isDirectory(), `src/model/${folder} is missing`);
      for (const f of files(dir)) {
        for (const spec of imports(f)) {
          if (!spec.startsWith('.')) continue;
          const target = path.relative(path.join(src, 'model'), path.resolve(path.dirname(f), spec)).split(path.sep)[0];
          assert.ok(!banned.includes(target.replace(/\.ts$/, '')), `${path.relative(src, f)} imports ${spec}`);
        }
      }
    });
  }
});
