package bot

// WaitVocabulary waits until no vocabulary is being built in the
// background for a.
func WaitVocabulary(a *Answerer) { a.builds.Wait() }
