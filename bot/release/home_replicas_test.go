package release_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/internal/slackfake"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestHomeOncePerPersonAcrossReplicas: two replicas, each with its own
// connections to one database, publish a person's Home tab once for two
// opens within the window, whether the opens come together or one after
// the other; another person's page is not held back, and a replica whose
// window is over publishes again.
func TestHomeOncePerPersonAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := server.NewDatabase(t)
	fakeSlack := slackfake.New(t)
	api := slack.New("xoxb-test", slack.OptionAPIURL(fakeSlack.APIURL()))
	publish := func(ctx context.Context, user string, view slack.HomeTabViewRequest) error {
		_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	}
	replica := func(every time.Duration) func(context.Context, string, bot.Asker) error {
		st, err := postgres.Open(ctx, db, 2)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
		home := release.New(release.Config{Store: st, Language: orders.French}).Home()
		home.Every = every
		return home.Opened(publish)
	}
	st, err := postgres.Open(ctx, db, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range []orders.Person{
		{Email: "francois.duboeuf@negoce-durand.fr", Name: "François Dubœuf", Role: orders.RoleRep, SlackUserID: "U0REP0001"},
		{Email: "emma.collins@negoce-durand.fr", Name: "Emma Collins", Role: orders.RoleRep, SlackUserID: "U0REP0002", Language: orders.English},
	} {
		if _, err := st.UpsertPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	a, b := replica(time.Hour), replica(time.Hour)
	published := func(user string) int {
		n := 0
		for _, c := range fakeSlack.Calls("views.publish") {
			if c.JSON["user_id"] == user {
				n++
			}
		}
		return n
	}
	open := func(on func(context.Context, string, bot.Asker) error, user string) {
		if err := on(ctx, user, bot.Asker{SlackUserID: user}); err != nil {
			t.Error(err)
		}
	}
	// François opens his Home tab; Slack's two events land on both
	// replicas at once.
	var wg sync.WaitGroup
	for _, on := range []func(context.Context, string, bot.Asker) error{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); open(on, "U0REP0001") }()
	}
	wg.Wait()
	if n := published("U0REP0001"); n != 1 {
		t.Fatalf("%d pages published for two opens at once on two replicas, want 1", n)
	}
	// He opens it again, on the other replica.
	open(b, "U0REP0001")
	open(a, "U0REP0001")
	if n := published("U0REP0001"); n != 1 {
		t.Errorf("%d pages published for opens within the window, want 1", n)
	}
	// Emma's page is hers.
	open(b, "U0REP0002")
	if n := published("U0REP0002"); n != 1 {
		t.Errorf("Emma: %d pages, want 1", n)
	}
	// A replica whose window is over publishes again.
	open(replica(0), "U0REP0001")
	if n := published("U0REP0001"); n != 2 {
		t.Errorf("%d pages after the window, want 2", n)
	}
}
