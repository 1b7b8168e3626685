/// The candidate a misspelled `word` most likely meant, for "did you mean ...?" hints; nil when
/// nothing is close enough.
///
/// In order of preference: a candidate equal to `word` ignoring case; the candidate with the smallest
/// edit distance (swaps count one edit, case ignored) when that distance is at most a third of the longer
/// word (and at least 1); a candidate made of the initials of `word`'s `_`/`-`/`.`-separated parts
/// (`learning_rate` → `lr`). Ties go to the earlier candidate.
public func suggestion(for word: String, among candidates: [String]) -> String? {
    let lowered = word.lowercased()
    if let exact = candidates.first(where: { $0.lowercased() == lowered && $0 != word }) {
        return exact
    }
    var best: (candidate: String, distance: Int)?
    for candidate in candidates where candidate != word {
        let distance = editDistance(lowered, candidate.lowercased())
        let allowed = max(1, max(word.count, candidate.count) / 3)
        if distance <= allowed, distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    if let best { return best.candidate }
    let parts = lowered.split(whereSeparator: { "_-.".contains($0) })
    if parts.count > 1 {
        let initials = String(parts.compactMap(\.first))
        return candidates.first { $0.lowercased() == initials }
    }
    return nil
}

/// The edit distance between two strings in characters: insertions, deletions, substitutions and
/// swaps of two adjacent characters each count one (optimal string alignment), so `mnsit` is one
/// edit from `mnist`.
func editDistance(_ left: String, _ right: String) -> Int {
    let a = Array(left)
    let b = Array(right)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// The hint that ends every "unknown …" message: ` (did you mean 'lr'?)` when a candidate is close to
/// `word` (see `suggestion(for:among:)`), else the empty string.
public func didYouMean(_ word: String, among candidates: [String]) -> String {
    suggestion(for: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
}
