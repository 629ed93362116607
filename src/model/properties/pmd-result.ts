// A PMD fault with nothing in its way maps the PMD: when the region is empty, lies inside the
// vma and the file and one extent covers it, and no other thread touches the region, falling
// back to PTEs is a wrong result (the mapping loses its huge pages and every access faults 512
// times as often). Only a scenario can say nothing is in the way (ScenarioSpec.mustMapPmd);
// it is checked once every thread returned.
import { G, Pmd } from '../kernel/layout';
import { NO_FAULTS, type Property } from './property';

export const PMD_RESULT: Property = {
  name: 'pmd-result',
  kinds: ['wrong-result'],
  protects: 'huge mappings of DAX files: a PMD fault that can map a PMD must, or the mapping silently falls back to PTEs',
  final({ st, mustMapPmd }) {
    if (!mustMapPmd || st[G.PMD] === Pmd.Devmap || st[G.PMD] === Pmd.HugeZero) return NO_FAULTS;
    return [{ kind: 'wrong-result', threads: [], message: 'the PMD fault fell back to PTEs although the region was empty, inside the vma and the file, and one extent covered it', detail: { pmd: st[G.PMD] } }];
  },
};
