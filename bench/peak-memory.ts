/** Peak resident set and heap of this process, sampled where a bench calls `sample()`. */
export const peakMemory = () => {
  const peak = { rss: 0, heap: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  return { peak, sample };
};
