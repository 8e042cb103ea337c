package orders

// Thresholds of the customer-name match, on CustomerMatch.Score (0..1).
const (
	// MinMatchScore is the lowest score worth showing as a candidate.
	MinMatchScore = 0.3
	// ClearMatchScore is the score above which a single candidate is taken
	// as the customer meant.
	ClearMatchScore = 0.6
	// ClearMatchLead is how far the best candidate must lead the second for
	// the choice to be clear; closer than that, the user is asked.
	ClearMatchLead = 0.15
)

// ClearMatch returns the customer a name query clearly designates, if any.
// matches must be sorted best first, as the store returns them. A clear match
// scores at least ClearMatchScore and either is the only candidate whose name
// holds every word typed, or leads the next candidate by ClearMatchLead;
// otherwise the caller asks which one was meant.
func ClearMatch(matches []CustomerMatch) (CustomerMatch, bool) {
	if len(matches) == 0 || matches[0].Score < ClearMatchScore {
		return CustomerMatch{}, false
	}
	if len(matches) == 1 {
		return matches[0], true
	}
	first, second := matches[0], matches[1]
	if first.ExactWords != second.ExactWords {
		return first, first.ExactWords
	}
	if first.Score-second.Score < ClearMatchLead {
		return CustomerMatch{}, false
	}
	return first, true
}
