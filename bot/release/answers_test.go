package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/release"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// answerer is orderbot's answering with the world's releases.
func (w *world) answerer() *bot.Answerer {
	w.t.Helper()
	p, err := understand.New("")
	if err != nil {
		w.t.Fatal(err)
	}
	return bot.New(w.st, p, nil, bot.Options{Access: bot.AccessOwn, Language: orders.French, StaleAfter: 1000 * time.Hour,
		Now: w.clock.now, Releases: w.rel})
}

// TestAskingInWords: "demande de déblocage 11039 : raison" asks, with the
// reason; an answer about the order offers the button to whoever may see
// it, and says the approved release waits for the ERP.
func TestAskingInWords(t *testing.T) {
	w := setup(t, release.Webhook{})
	a := w.answerer()
	rep := bot.Asker{SlackUserID: w.rep.SlackUserID}
	ans, err := a.Ask(w.ctx, rep, "Demande de déblocage de la commande 4500011039 : le client a viré 20 000 € ce matin")
	if err != nil || ans.Kind != bot.ReleaseAsked || !strings.Contains(ans.Release.Text, "envoyée dans <#C0CREDIT01>") {
		t.Fatalf("asked in words: %+v, %v", ans, err)
	}
	if !strings.Contains(blockText(w.posted()), "le client a viré 20 000 € ce matin") {
		t.Error("the reason is not in the request")
	}
	// Another rep's words are refused, and say nothing of the order: it
	// reads as a number that does not exist.
	other, err := a.Ask(w.ctx, bot.Asker{SlackUserID: w.rep2.SlackUserID}, "request release of 4500011039")
	if err != nil || other.Kind != bot.NotFound {
		t.Errorf("another rep asking: %+v, %v", other, err)
	}

	about, err := a.Ask(w.ctx, rep, "4500011039 ?")
	if err != nil || about.Kind != bot.OrderFound || !about.Release.Offer || about.Release.ApprovedBy != "" {
		t.Fatalf("answer about the order: %+v, %v", about.Release, err)
	}
	reqs, _ := w.st.ReleaseRequests(w.ctx, postgres.ReleaseFilter{})
	if _, err := w.rel.Decide(w.ctx, w.credit, reqs[0].ID, true, ""); err != nil {
		t.Fatal(err)
	}
	about, err = a.Ask(w.ctx, rep, "4500011039 ?")
	if err != nil || about.Release.ApprovedBy != "Sophie Bernard" {
		t.Errorf("answer after the approval: %+v, %v", about.Release, err)
	}
	// Without Slack (orderbot ask, orderbot chat), nothing is asked.
	console := release.New(release.Config{Store: w.st, Routes: map[orders.Status]release.Route{orders.StatusCreditLimit: {Channel: "C0CREDIT01"}}})
	if _, err := console.Ask(w.ctx, w.rep, w.number, ""); err == nil || !strings.Contains(err.Error(), "dans Slack") {
		t.Errorf("asking without Slack: %v", err)
	}
	// A manager sees every order, and may ask.
	if got, err := a.Ask(w.ctx, bot.Asker{SlackUserID: w.credit.SlackUserID}, "4500011039 ?"); err != nil || !got.Release.Offer {
		t.Errorf("manager's answer: %+v, %v", got.Release, err)
	}
}
