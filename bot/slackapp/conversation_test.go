package slackapp

import (
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/slackfake"
)

func inThread(ev map[string]any, thread string) map[string]any {
	ev["thread_ts"] = thread
	return ev
}

// TestFollowUpInItsConversation: a question in a thread follows the
// previous one of that thread, by the same person; the same words at the
// top of the channel, or from someone else in the thread, start afresh.
// In a direct message, the conversation is the channel.
func TestFollowUpInItsConversation(t *testing.T) {
	t.Parallel()
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	startApp(t, fake, sampleDatabase(t), 100, Options{})
	fake.WaitConnected(t, 1, 10*time.Second)
	const channel, thread = "C0FOLLOW1", "1700000600.000100"
	steps := []struct {
		ev   map[string]any
		want string // in the answer's text
		not  string
	}{
		{mention("U0REP0001", channel, thread, "commandes de boulangerie dupre"), "Commandes ouvertes — Boulangerie Dupr", ""},
		{inThread(mention("U0REP0001", channel, "1700000601.000100", "et les bloquées ?"), thread), "Commandes bloquées — Boulangerie Dupr", ""},
		{mention("U0REP0001", channel, "1700000602.000100", "et les bloquées ?"), "Commandes bloquées — votre portefeuille", "Dupr"},
		{inThread(mention("U0REP0002", channel, "1700000603.000100", "et les bloquées ?"), thread), "Commandes bloquées — votre portefeuille", "Dupr"},
		{inThread(mention("U0REP0001", channel, "1700000604.000100", "et pour carrefour ?"), thread), "Commandes bloquées — Carrefour Market", ""},
		{dm("U0REP0001", "D0FOLLOW1", "1700000605.000100", "4500012345"), "Commande 4500012345", ""},
		{dm("U0REP0001", "D0FOLLOW1", "1700000606.000100", "et la suivante ?"), "Commande 4500012346", ""},
	}
	for i, s := range steps {
		fake.SendEvent("EvFollow"+string(rune('A'+i)), s.ev)
		posts := fake.WaitPosts(t, i+1, 20*time.Second)
		got := strings.ReplaceAll(posts[i].Text, "&amp;", "&")
		if !strings.Contains(got, s.want) || (s.not != "" && strings.Contains(got, s.not)) {
			t.Errorf("%q (step %d) answered %q, want %q", s.ev["text"], i, got, s.want)
		}
	}
}
