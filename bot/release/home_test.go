package release_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// publisher publishes Home tabs to the fake Slack, as the app does.
func (w *world) publisher() func(ctx context.Context, user string, view slack.HomeTabViewRequest) error {
	api := slack.New("xoxb-test", slack.OptionAPIURL(w.slack.APIURL()))
	return func(ctx context.Context, user string, view slack.HomeTabViewRequest) error {
		_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	}
}

// homeOf opens the Home tab as p and returns the text of the view
// published, and how many views were published in all.
func (w *world) homeOf(open func(context.Context, string, bot.Asker) error, p orders.Person) (string, int) {
	w.t.Helper()
	if err := open(w.ctx, p.SlackUserID, bot.Asker{SlackUserID: p.SlackUserID}); err != nil {
		w.t.Fatal(err)
	}
	calls := w.slack.Calls("views.publish")
	if len(calls) == 0 {
		w.t.Fatal("nothing published")
	}
	last := calls[len(calls)-1]
	if last.JSON["user_id"] != p.SlackUserID || !last.OK {
		w.t.Fatalf("published for %v, ok %v", last.JSON["user_id"], last.OK)
	}
	view, _ := last.JSON["view"].(map[string]any)
	return release.SectionText(view["blocks"]), len(calls)
}

// TestHomeOfEachPerson: a rep sees their blocked orders by block, oldest
// first, and their requests; the decider the requests waiting for them; a
// manager their team and escalations; each in their language, at most one
// page every few seconds each.
func TestHomeOfEachPerson(t *testing.T) {
	w := setup(t, release.Webhook{})
	// A second, older credit block and a delivery block for the rep.
	o, err := w.st.OrderByNumber(w.ctx, w.number)
	if err != nil {
		t.Fatal(err)
	}
	older := w.clock.now().Add(-200 * time.Hour)
	o.ID, o.Number, o.StatusSince = 0, "4500010900", older
	o.Blocks = []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "Encours dépassé", Since: older}}
	if _, err := w.st.SaveOrder(w.ctx, o, postgres.Change{At: older, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	o.Number, o.Status, o.BlockReason = "4500011100", orders.StatusDeliveryBlock, "Adresse à confirmer"
	o.Blocks = []orders.Block{{Kind: orders.StatusDeliveryBlock, Reason: "Adresse à confirmer", Since: older}}
	if _, err := w.st.SaveOrder(w.ctx, o, postgres.Change{At: older, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.rel.Ask(w.ctx, w.rep, w.number, "paiement reçu"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.ClaimAlert(w.ctx, "4500011100", w.rep.ID, w.clock.now()); err != nil {
		t.Fatal(err)
	}
	home := w.rel.Home()
	open := home.Opened(w.publisher())

	text, _ := w.homeOf(open, w.rep)
	for _, want := range []string{"Bonjour François Dubœuf", "Vos commandes bloquées (3)", "Limite de crédit", "Blocage de livraison",
		"*4500011100* · Boulangerie Dupré &amp; Fils", "Vos demandes de déblocage", "*4500011039* · Limite de crédit · demandée le 27/11/2026 dans <#C0CREDIT01>",
		"Les alertes que vous avez prises en charge\n• *4500011100* · Boulangerie Dupré &amp; Fils"} {
		if !strings.Contains(text, want) {
			t.Errorf("rep's home lacks %q:\n%s", want, text)
		}
	}
	if i, j := strings.Index(text, "4500010900"), strings.Index(text, "*4500011039* · Boulangerie"); i < 0 || j < 0 || i > j {
		t.Errorf("the older credit block is not first:\n%s", text)
	}
	// Opening it again at once publishes nothing more.
	if _, n := w.homeOf(open, w.rep); n != 1 {
		t.Errorf("%d pages published for two opens in a row, want 1", n)
	}

	text, _ = w.homeOf(open, w.credit)
	for _, want := range []string{"Hello Sophie Bernard", "Requests waiting for your decision",
		"*4500011039* · Boulangerie Dupré &amp; Fils · Credit limit · asked for by François Dubœuf"} {
		if !strings.Contains(text, want) {
			t.Errorf("decider's home lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Your blocked orders") {
		t.Errorf("a manager's home lists blocked orders of their own:\n%s", text)
	}

	// Someone outside the directory is told so.
	stranger := orders.Person{SlackUserID: "U0STRANGE"}
	if text, _ := w.homeOf(open, stranger); !strings.Contains(text, "annuaire") {
		t.Errorf("stranger's home:\n%s", text)
	}
}

// TestHomeOfAManager: a manager sees each member of the team with their
// blocked orders.
func TestHomeOfAManager(t *testing.T) {
	w := setup(t, release.Webhook{})
	boss, err := w.st.UpsertPerson(w.ctx, orders.Person{Email: "direction@negoce-durand.fr", Name: "Anne Leroy",
		Role: orders.RoleManager, SlackUserID: "U0BOSS001", Language: orders.French})
	if err != nil {
		t.Fatal(err)
	}
	team := []orders.Person{w.rep, w.rep2}
	for i := range team {
		team[i].Manager = boss.Email
	}
	if _, err := w.st.ImportPeople(w.ctx, "equipe.csv", "x", team, false); err != nil {
		t.Fatal(err)
	}
	text, _ := w.homeOf(w.rel.Home().Opened(w.publisher()), boss)
	for _, want := range []string{"Bonjour Anne Leroy", "Votre équipe", "Emma Collins\u00a0: 0 commande bloquée", "François Dubœuf\u00a0: 1 commande bloquée"} {
		if !strings.Contains(text, want) {
			t.Errorf("manager's home lacks %q:\n%s", want, text)
		}
	}
}
