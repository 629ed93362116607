// Variation points of the MAP_DIRECT part: named patches of its kernel C (v4.14 with the v7
// series), each value the code of another version of the series or a question a reviewer asks
// in seed 001's thread, applied the way a patch from mail is.
import { pointDiff, type PointDef } from '../../core/points';

const f = pointDiff;

export const MAPDIRECT_POINTS: readonly PointDef[] = [
  {
    fn: 'xfs_file_iomap_begin', name: 'fault_alloc', default: 'mapdcount',
    c: 'if (i_mapdcount_read(inode)) { error = -ETXTBSY; goto out_unlock; } (v7 03/12)',
    values: {
      // v4.14 before the series: nothing stops a write fault from allocating under a layout lease.
      none: f('fs/xfs/xfs_iomap.c', 'xfs_file_iomap_begin(', `
 		 * lease break here.
 		 */
-		if (i_mapdcount_read(inode)) {
-			error = -ETXTBSY;
-			goto out_unlock;
-		}
 		xfs_iunlock(ip, lockmode);
`),
      // Dan Williams's answer in seed 001 (v8 05/14, iomap_can_allocate()): start the lease break
      // and bail out with -EWOULDBLOCK, since the fault cannot wait for the lease here; v8 drops
      // i_mapdcount with it.
      'break-layout': f('fs/xfs/xfs_iomap.c', 'xfs_file_iomap_begin(', `
 		 * lease break here.
 		 */
-		if (i_mapdcount_read(inode)) {
-			error = -ETXTBSY;
+		error = break_layout(inode, false);
+		if (error)
 			goto out_unlock;
-		}
 		xfs_iunlock(ip, lockmode);
`) + f('fs/mapdirect.c', 'static int map_direct_lm_change(', `
 	WARN_ON(!(arg & F_UNLCK));
 
-	i_mapdcount_dec(mds->mds_inode);
 	return lease_modify(fl, arg, dispose);
`) + f('fs/mapdirect.c', 'struct map_direct_state *map_direct_register(', `
 		goto err_setlease;
 
-	i_mapdcount_inc(inode);
 	return mds;
`),
    },
  },
  {
    fn: 'xfs_file_mmap_validate', name: 'flush_faults', default: true,
    c: 'xfs_ilock(ip, XFS_MMAPLOCK_EXCL); xfs_iunlock(ip, XFS_MMAPLOCK_EXCL); (flush in-flight faults)',
    values: {
      // Dave Chinner's question in seed 001: why cycle XFS_MMAPLOCK_EXCL at all?
      false: f('fs/xfs/xfs_file.c', 'xfs_file_mmap_validate(', `
 		return PTR_ERR(mds);
 
 	/* flush in-flight faults */
-	xfs_ilock(ip, XFS_MMAPLOCK_EXCL);
-	xfs_iunlock(ip, XFS_MMAPLOCK_EXCL);
 
 	vma->vm_private_data = mds;
`),
    },
  },
];
