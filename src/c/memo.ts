// A pure function of C text, remembered. The same code comes back throughout a mailbox: the
// hunks a reply quotes, the next version of a series, the same helper in every patch that
// calls it; what the reader decides about a text (what it parses to, whether it reads as a
// body) is decided once.

/**
 * `fn` remembered for up to `limit` distinct texts; past that the memory starts over (a
 * mailbox moves on: what it quotes again is what it quoted lately). `fn` must depend on its
 * text alone, and its answers must not be changed by their callers.
 */
export function memoByText<T>(fn: (text: string) => T, limit = 20000): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    if (seen.has(text)) return seen.get(text) as T;
    const v = fn(text);
    if (seen.size >= limit) seen.clear();
    seen.set(text, v);
    return v;
  };
}
