// Kernel warnings (include/asm-generic/bug.h): a WARN_ON_ONCE() that fires is an assertion fault
// of the model, since the kernel's authors state there what must never hold; the kernel goes on
// after a warning, and so does the path, so what the code does next is checked too.
import type { KernelObject, Prim } from '../object';

const prims: Prim[] = [];
const def = (p: Prim): void => { prims.push(p); };

def({
  name: 'WARN_ON_ONCE', arity: 1, visible: false,
  doc: 'WARN_ON_ONCE(cond): a kernel warning is an assertion fault',
  run: (w, [cond]) => { if (cond) w.warn('WARN_ON_ONCE() fired'); return cond ? 1 : 0; },
});

export const WARN: KernelObject = {
  name: 'warn',
  doc: 'WARN_ON_ONCE() (include/asm-generic/bug.h)',
  prims,
};
