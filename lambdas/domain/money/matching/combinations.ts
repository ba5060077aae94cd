/**
 * The bounded subset-sum behind "one transfer paid several invoices": which sets of at most
 * `maxSize` of the given amounts add up to `target` exactly. The caller bounds the number of
 * amounts (12 by default: at most 781 sets of two to four), and the search stops at the second
 * set found, since two sets already mean the transfer cannot be told apart.
 */
export const combinationsSummingTo = (
  amounts: readonly number[],
  target: number,
  minSize: number,
  maxSize: number,
  stopAt = 2,
): number[][] => {
  // Ascending order lets a branch stop as soon as the next amount overshoots.
  const order = amounts.map((a, i) => i).sort((a, b) => amounts[a]! - amounts[b]! || a - b);
  const found: number[][] = [];
  const picked: number[] = [];
  const walk = (from: number, sum: number): void => {
    if (found.length >= stopAt) return;
    if (sum === target && picked.length >= minSize) {
      found.push(picked.map((p) => order[p]!).sort((a, b) => a - b));
      return;
    }
    if (picked.length === maxSize) return;
    for (let p = from; p < order.length; p++) {
      const next = sum + amounts[order[p]!]!;
      if (next > target) break;
      picked.push(p);
      walk(p + 1, next);
      picked.pop();
      if (found.length >= stopAt) return;
    }
  };
  walk(0, 0);
  return found;
};
