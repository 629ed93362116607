// The DAX fault handlers: fs/dax.c of v4.10 (dax_iomap_fault, named
// dax_iomap_pte_fault from v4.11; dax_iomap_pmd_fault).
import type { FnDef } from '../ir';

const V = 'v4.10 fs/dax.c';

export const dax_iomap_pte_fault: FnDef = {
  name: 'dax_iomap_pte_fault', kernel: `${V} (dax_iomap_fault)`,
  params: ['mapping', 'index', 'write'],
  locals: ['entry', 'iomap', 'error', 'vmf_ret', 'major', 'sector', 'size', 'type'],
  body: (b) => {
    b.prim('i_size_read', [], 'size', 'if (pos >= i_size_read(inode))');
    /*
     * Check whether offset isn't beyond end of file now. Caller is supposed
     * to hold locks serializing us with truncate / punch hole so this is
     * a reliable test.
     */
    b.if('index >= size', () => b.ret('VM_FAULT_SIGBUS'), undefined, 'if (pos >= i_size_read(inode))');
    b.call('grab_mapping_entry', ['mapping', 'index', '0'], 'entry', 'entry = grab_mapping_entry(mapping, vmf->pgoff, 0);');
    b.if('IS_ERR(entry)', () => {
      b.assign('error', 'PTR_ERR(entry)', 'error = PTR_ERR(entry);');
      b.goto('out');
    });
    b.prim('iomap_begin', ['index', '1', 'write'], 'iomap', 'error = ops->iomap_begin(inode, pos, PAGE_SIZE, flags, &iomap);');
    b.assign('sector', 'dax_iomap_sector(iomap, index)', 'sector = dax_iomap_sector(&iomap, pos);');
    b.assign('type', 'iomap_type(iomap)', 'switch (iomap.type) {');
    b.if('type == IOMAP_MAPPED', () => {
      b.if('iomap_flags(iomap) & IOMAP_F_NEW', () => b.assign('major', 'VM_FAULT_MAJOR', 'major = VM_FAULT_MAJOR;'));
      b.call('dax_insert_mapping', ['mapping', 'index', '&entry', 'sector', 'write'], 'error',
        'error = dax_insert_mapping(mapping, iomap.bdev, sector, PAGE_SIZE, &entry, vma, vmf);');
      /* -EBUSY is fine, somebody else faulted on the same PTE */
      b.if('error == -EBUSY', () => b.assign('error', '0', 'error = 0;'));
      b.goto('finish_iomap', 'break;');
    }, undefined, 'case IOMAP_MAPPED:');
    b.if('(type == IOMAP_UNWRITTEN || type == IOMAP_HOLE) && !write', () => {
      b.call('dax_load_hole', ['mapping', '&entry', 'index'], 'vmf_ret', 'vmf_ret = dax_load_hole(mapping, &entry, vmf);');
      b.goto('finish_iomap', 'goto finish_iomap;');
    }, undefined, 'case IOMAP_UNWRITTEN: case IOMAP_HOLE: if (!(vmf->flags & FAULT_FLAG_WRITE))');
    b.prim('WARN_ON_ONCE', ['1'], undefined, 'WARN_ON_ONCE(1);');
    b.assign('error', '-EIO', 'error = -EIO;');
    b.label('finish_iomap');
    b.if('vmf_ret != VM_FAULT_LOCKED || error', () => {
      b.call('put_locked_mapping_entry', ['mapping', 'index', 'entry'], undefined, 'put_locked_mapping_entry(mapping, vmf->pgoff, entry);');
    }, undefined, 'unlock_entry: if (vmf_ret != VM_FAULT_LOCKED || error)');
    b.label('out');
    b.if('error == -ENOMEM', () => b.ret('VM_FAULT_OOM | major'));
    /* -EBUSY is fine, somebody else faulted on the same PTE */
    b.if('error < 0 && error != -EBUSY', () => b.ret('VM_FAULT_SIGBUS | major'));
    b.if('vmf_ret', () => b.ret('vmf_ret'));
    b.ret('VM_FAULT_NOPAGE | major');
  },
};

export const dax_iomap_pmd_fault: FnDef = {
  name: 'dax_iomap_pmd_fault', kernel: V,
  params: ['mapping', 'index', 'write'],
  locals: ['pgoff', 'max_pgoff', 'entry', 'iomap', 'result', 'type', 'shared', 'start', 'end'],
  body: (b) => {
    b.assign('result', 'VM_FAULT_FALLBACK', 'int result = VM_FAULT_FALLBACK;');
    b.assign('pgoff', 'index & ~PG_PMD_COLOUR', 'pgoff = linear_page_index(vma, pmd_addr);');
    /* Fall back to PTEs if we're going to COW */
    b.prim('vma_shared', [], 'shared', 'vma->vm_flags & VM_SHARED');
    b.if('write && !shared', () => b.goto('fallback'), undefined, 'if (write && !(vma->vm_flags & VM_SHARED))');
    /* If the PMD would extend outside the VMA */
    b.prim('vma_start', [], 'start', 'vma->vm_start');
    b.prim('vma_end', [], 'end', 'vma->vm_end');
    b.if('pgoff < start', () => b.goto('fallback'), undefined, 'if (pmd_addr < vma->vm_start)');
    b.if('pgoff + PG_PMD_NR > end', () => b.goto('fallback'), undefined, 'if ((pmd_addr + PMD_SIZE) > vma->vm_end)');
    /*
     * Check whether offset isn't beyond end of file now. Caller is
     * supposed to hold locks serializing us with truncate / punch hole so
     * this is a reliable test.
     */
    b.prim('i_size_read', [], 'max_pgoff', 'max_pgoff = (i_size_read(inode) - 1) >> PAGE_SHIFT;');
    b.assign('max_pgoff', 'max_pgoff - 1', 'max_pgoff = (i_size_read(inode) - 1) >> PAGE_SHIFT;');
    b.if('pgoff > max_pgoff', () => b.ret('VM_FAULT_SIGBUS'));
    /* If the PMD would extend beyond the file size */
    b.if('(pgoff | PG_PMD_COLOUR) > max_pgoff', () => b.goto('fallback'));
    /*
     * grab_mapping_entry() will make sure we get a 2M empty entry, a DAX
     * PMD or a HZP entry.  If it can't (because a 4k page is already in
     * the tree, for instance), it will return -EEXIST and we just fall
     * back to 4k entries.
     */
    b.call('grab_mapping_entry', ['mapping', 'pgoff', 'RADIX_DAX_PMD'], 'entry', 'entry = grab_mapping_entry(mapping, pgoff, RADIX_DAX_PMD);');
    b.if('IS_ERR(entry)', () => b.goto('fallback'));
    b.prim('iomap_begin', ['pgoff', 'PG_PMD_NR', 'write'], 'iomap', 'error = ops->iomap_begin(inode, pos, PMD_SIZE, iomap_flags, &iomap);');
    b.if('iomap_pages(iomap) < PG_PMD_NR', () => b.goto('unlock_entry', 'goto finish_iomap;'), undefined,
      'if (iomap.offset + iomap.length < pos + PMD_SIZE)');
    b.assign('type', 'iomap_type(iomap)', 'switch (iomap.type) {');
    b.if('type == IOMAP_MAPPED', () => {
      b.call('dax_pmd_insert_mapping', ['mapping', 'pgoff', '&entry', 'write', 'iomap'], 'result',
        'result = dax_pmd_insert_mapping(vma, pmd, &vmf, address, &iomap, pos, write, &entry);');
    }, () => {
      b.if('type == IOMAP_UNWRITTEN || type == IOMAP_HOLE', () => {
        b.if('write', () => {
          b.prim('WARN_ON_ONCE', ['1'], undefined, 'if (WARN_ON_ONCE(write))');
          b.goto('unlock_entry', 'goto finish_iomap;');
        }, undefined, 'if (WARN_ON_ONCE(write))');
        b.call('dax_pmd_load_hole', ['mapping', 'pgoff', '&entry'], 'result',
          'result = dax_pmd_load_hole(vma, pmd, &vmf, address, &iomap, &entry);');
      }, undefined, 'case IOMAP_UNWRITTEN: case IOMAP_HOLE:');
    }, 'case IOMAP_MAPPED:');
    b.label('unlock_entry');
    b.call('put_locked_mapping_entry', ['mapping', 'pgoff', 'entry'], undefined, 'put_locked_mapping_entry(mapping, pgoff, entry);');
    b.label('fallback');
    b.if('result == VM_FAULT_FALLBACK', () => {
      b.prim('split_huge_pmd', [], undefined, 'split_huge_pmd(vma, pmd, address);');
    });
    b.ret('result');
  },
};

export const FAULT_FNS = [dax_iomap_pte_fault, dax_iomap_pmd_fault];
