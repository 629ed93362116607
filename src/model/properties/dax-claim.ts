// What a dax_device claim promises (drivers/dax/super.c of the v8 series, seed 003): a claim that
// returns the dax_device has every dev_pagemap behind it (the device's own, or every member's
// of a dm device) owned by the claimant; and a filesystem that mounted and unmounted leaves
// every dax_device with the references it had and every pgmap free, and a claim holds the one
// reference its lookup took, no more, no fewer. Checked when a claim returns, and once every
// thread returned.
import { OBJ, THREAD } from '../kernel/layout';
import type { Step } from '../kernel/step';
import { DAX_DEVICES, daxWords, initialRefs, KIND_DM, PGMAP_PRESENT, targetCount, targetDevice } from '../objects/daxdev/index';
import { NO_FAULTS, type Property } from './property';
import type { Fault } from '../machine';

/** The dax_devices whose pgmaps a claim of dax_device dev takes: a dm device's members, else itself. */
function claimedBy(st: Int32Array, dev: number): number[] {
  if ((st[daxWords(dev).kind] & 15) !== KIND_DM) return [dev];
  return Array.from({ length: targetCount(st) }, (_x, t) => targetDevice(st, t + 1));
}

function claimResult(w: Step, [dev, owner]: readonly number[], ret: number): Fault | null {
  if (ret === 0 || dev < 1 || dev > DAX_DEVICES) return null;
  w.read(OBJ.pgmap); w.read(OBJ.daxdev);
  const other = claimedBy(w.s, dev).find((m) => w.s[daxWords(m).pgmap] & PGMAP_PRESENT && w.s[daxWords(m).owner] !== owner);
  if (other === undefined) return null;
  return {
    kind: 'wrong-result', threads: [w.t],
    message: `${w.threadName(w.t)} returned dax_device ${ret} as claimed, but the pgmap of dax_device ${other} is ${w.s[daxWords(other).owner] ? `owner ${w.s[daxWords(other).owner]}'s` : 'not claimed'}`,
    detail: { device: other },
  };
}

/** Entry points that claim a dax_device and release it before they return. */
const MOUNT_UMOUNT = new Set(['ext2_mount_umount']);

export const DAX_CLAIM: Property = {
  name: 'dax-claim',
  kinds: ['wrong-result', 'refcount'],
  protects: 'the ownership of a dax_device\'s pages: a claim that reports success owns every pgmap behind the device, and a mount and unmount leave references and pgmaps as they found them',
  returnTouches(x, entry) {
    if (entry.fn === 'fs_dax_claim_bdev') { x.read(OBJ.pgmap); x.read(OBJ.daxdev); }
  },
  returned(w, entry, ret) {
    return entry.fn === 'fs_dax_claim_bdev' ? claimResult(w, entry.args, ret) : null;
  },
  final({ st, L, entries }) {
    if (!entries.some((e) => MOUNT_UMOUNT.has(e) || e === 'fs_dax_claim_bdev')) return NO_FAULTS;
    // A claim that returned a dax_device holds the reference its lookup took; nothing else does.
    const held = (n: number): number => entries.filter((e, t) => e === 'fs_dax_claim_bdev' && st[L.thread(t) + THREAD.RETVAL] === n).length;
    const wrong: string[] = [];
    for (let n = 1; n <= DAX_DEVICES; n++) {
      const d = daxWords(n);
      if (!st[d.kind]) continue;
      const want = initialRefs(st, n) + held(n);
      if (st[d.ref] !== want) wrong.push(`dax_device ${n} has ${st[d.ref]} reference${st[d.ref] === 1 ? '' : 's'}, where the claims that hold it leave ${want}`);
      if (st[d.owner] && entries.every((e) => MOUNT_UMOUNT.has(e))) wrong.push(`dax_device ${n}'s pgmap is still owner ${st[d.owner]}'s`);
    }
    if (!wrong.length) return NO_FAULTS;
    return [{ kind: 'refcount', message: `once every thread returned: ${wrong.join('; ')}`, detail: { devices: wrong.length } }];
  }
};
