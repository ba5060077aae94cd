/** The months (YYYY-MM) from the one of `from` to the one of `to` (YYYY-MM-DD): the activity partitions a range of days lies in. */
export const monthsBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  for (;;) {
    const ym = `${y}-${String(m).padStart(2, '0')}`;
    if (ym > end) return out;
    out.push(ym);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y += 1;
  }
};
