package slackfake

import "time"

// WithDelay makes the fake answer each call of a Web API method d after
// carrying it out: a post is kept (listed by conversations.history,
// counted by Posts) at once, its answer comes later, as from a slow
// Slack. A client killed in between posted a message it never learnt of.
func WithDelay(method string, d time.Duration) Option {
	return func(c *config) {
		if c.delays == nil {
			c.delays = map[string]time.Duration{}
		}
		c.delays[method] = d
	}
}
