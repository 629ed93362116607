// The variation points of the MAP_DIRECT part: each value a diff of its C.
import type { PointDef } from '../../core/points';

export const MAPDIRECT_POINTS: readonly PointDef[] = [];
