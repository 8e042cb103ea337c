package slackapp

import (
	"fmt"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/understand"
)

// TestFullMemoryForgetsTheExpiredFirst: when the conversations remembered
// reach their bound, those past their hour go, and the live ones stay: a
// busy workspace does not lose every follow-up at once.
func TestFullMemoryForgetsTheExpiredFirst(t *testing.T) {
	a := &App{convs: map[conversation]remembered{}}
	old := time.Now().Add(-2 * memoryTTL)
	mem := bot.Memory{Question: understand.Question{Intent: understand.Customer, CustomerName: "Dupré"}}
	for i := range maxConversations - 1 {
		a.convs[conversation{user: fmt.Sprintf("U%06d", i), channel: "D1"}] = remembered{mem: mem, at: old}
	}
	live := conversation{user: "U0LIVE", channel: "D2"}
	a.convs[live] = remembered{mem: mem, at: time.Now()}
	next := conversation{user: "U0NEXT", channel: "D3"}
	a.remember(next, bot.Answer{Kind: bot.OrderList, Question: mem.Question})
	if _, ok := a.convs[live]; !ok {
		t.Errorf("a live conversation was forgotten when the memory was full")
	}
	if _, ok := a.convs[next]; !ok || len(a.convs) != 2 {
		t.Errorf("after remembering one more: %d conversations, the new one kept: %v; want 2, true", len(a.convs), ok)
	}
}
