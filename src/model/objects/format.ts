// How the objects write numbers in notes and views.

/** An index, a key or a word in hex, as the kernel prints them. */
export const hex = (x: number): string => `0x${(x >>> 0).toString(16)}`;
