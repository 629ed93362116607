// A deterministic pseudo-random generator (xorshift32) for tests that build their own
// random states: the same seed gives the same sequence on every run.
export function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}
