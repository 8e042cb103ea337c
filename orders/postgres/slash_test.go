package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders/postgres"
)

// event is the key of an event: its event_id.
func event(id string) string { return id }

// TestClaimCommand: a slash command is claimed once by its trigger_id,
// whoever claims it, apart from events, and forgotten with them.
func TestClaimCommand(t *testing.T) {
	t.Parallel()
	st := server.Store(t)
	ctx := context.Background()
	const trigger = "1700000400.47445629121.0f3c2a9b8d7e6f5a4b3c2d1e0f9a8b7c"
	claim := func(what string, f func(string) string, id string, want bool) {
		t.Helper()
		if got, err := holdOne(st, f(id), []byte(`{}`), "replica-1", time.Minute); err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", what, got, err, want)
		}
	}
	claim("a new command", postgres.CommandKey, trigger, true)
	claim("the same command again", postgres.CommandKey, trigger, false)
	claim("an event whose id is the trigger's", event, trigger, true)
	claim("another command", postgres.CommandKey, "1700000401.47445629121.99aa88bb77cc66dd55ee44ff33001122", true)
	if n, err := st.ForgetEvents(ctx, time.Now().Add(time.Minute)); err != nil || n != 3 {
		t.Errorf("forgetting: %d, %v; want 3", n, err)
	}
	claim("the command once forgotten", postgres.CommandKey, trigger, true)
}
