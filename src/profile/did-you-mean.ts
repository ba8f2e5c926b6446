/**
 * Spelling suggestions for profile errors: `rat` -> `rate`, `mwl.fnd` -> `mwl.find`.
 */

/**
 * The candidate closest to `word` by edit distance (case-insensitive), if it is
 * close enough to be a likely typo: at most 2 edits, and fewer than half the
 * word's length. Failing that, a candidate that starts with the word or that the
 * word starts with (`password` -> `passwordEnv`), if both have 4 or more
 * characters. Undefined when nothing is close.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const byDistance = closestByDistance(lower, candidates);
  if (byDistance !== undefined) return byDistance;
  if (lower.length < 4) return undefined;
  return candidates.find((candidate) => {
    const other = candidate.toLowerCase();
    return other.length >= 4 && (other.startsWith(lower) || lower.startsWith(other));
  });
}

function closestByDistance(lower: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.min(2, Math.ceil(lower.length / 2) - 1);
  return bestDistance <= Math.max(limit, 0) ? best : undefined;
}

/** `did you mean \`rate\`? ` or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : `did you mean \`${match}\`? `;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i]![0] = i;
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
