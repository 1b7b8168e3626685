/// The candidate a misspelled `word` most likely meant, for "did you mean ...?" hints; nil when
/// nothing is close enough.
///
/// In order of preference: a candidate equal to `word` ignoring case; the candidate with the smallest
/// edit distance (Levenshtein, ignoring case) when that distance is at most a third of the longer
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

/// The Levenshtein distance between two strings, counted in characters.
func editDistance(_ left: String, _ right: String) -> Int {
    let left = Array(left)
    let right = Array(right)
    if left.isEmpty { return right.count }
    if right.isEmpty { return left.count }
    var previous = Array(0...right.count)
    var current = [Int](repeating: 0, count: right.count + 1)
    for leftIndex in 1...left.count {
        current[0] = leftIndex
        for rightIndex in 1...right.count {
            let substitution =
                previous[rightIndex - 1] + (left[leftIndex - 1] == right[rightIndex - 1] ? 0 : 1)
            current[rightIndex] = min(previous[rightIndex] + 1, current[rightIndex - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[right.count]
}
