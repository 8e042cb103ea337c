package slackfake

// BlockTexts returns the texts of the call's blocks, in order: each
// section's text and each context element's, as a person reads them.
func (c Call) BlockTexts() []string {
	var out []string
	for _, b := range c.Blocks {
		if t, ok := b["text"].(map[string]any); ok {
			if s, ok := t["text"].(string); ok {
				out = append(out, s)
			}
		}
		if els, ok := b["elements"].([]any); ok {
			for _, e := range els {
				if m, ok := e.(map[string]any); ok {
					if s, ok := m["text"].(string); ok {
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}
