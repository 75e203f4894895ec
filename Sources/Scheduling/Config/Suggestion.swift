/// "Did you mean ...?" for misspelt keys, keywords, weekday and task names.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance (case-insensitive), when close enough to
    /// be a plausible typo: at most 1 edit for short words, 2 for 5+ letters, 3 for 9+ letters;
    /// else a candidate that contains the word or the other way round (4+ letters).
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased())
        let limit = target.count >= 9 ? 3 : (target.count >= 5 ? 2 : 1)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased()))
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        if let best { return best.candidate }
        // `trading_days` for `trading`, `open` for `market_open`: one contains the other.
        let lower = word.lowercased()
        return candidates.first { c in
            let candidate = c.lowercased()
            return min(candidate.count, lower.count) >= 4 && (lower.contains(candidate) || candidate.contains(lower))
        }
    }

    /// ` (did you mean X?)` or the empty string.
    public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean \($0)?)" } ?? ""
    }

    /// Optimal string alignment distance: Levenshtein plus transpositions of neighbours,
    /// since swapped letters are the commonest typo.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
