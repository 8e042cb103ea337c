package render_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// TestReleaseInAnswers: an answer about a blocked order whose block has a
// route offers Ask for release (the order's number as its value) and says
// an approved release waits for the ERP, in both languages; without a
// route, or for an order that is not blocked, neither shows.
func TestReleaseInAnswers(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	blocked := order("4500011039", orders.StatusCreditLimit, orders.Block{Kind: orders.StatusCreditLimit,
		Reason: "Encours dépassé de 12 400 €", Since: now.Add(-50 * time.Hour)})
	q := understand.Question{Intent: understand.Order, Number: "4500011039"}
	approved := time.Date(2026, 11, 26, 16, 5, 0, 0, paris)
	for _, lang := range languages {
		a := bot.Answer{Kind: bot.OrderFound, Lang: lang, At: now, Question: q, Data: fresh, Order: blocked,
			Release: bot.Release{Offer: true, ApprovedBy: "Sophie Bernard", ApprovedAt: approved}}
		msg := r.Slack(a)
		checkFollowMessage(t, msg, lang)
		buttons := releaseButtons(msg)
		want := map[orders.Language]string{orders.French: "Demander le déblocage", orders.English: "Ask for release"}[lang]
		if len(buttons) != 1 || buttons[0].Value != "4500011039" || buttons[0].Text.Text != want {
			t.Errorf("%s: release buttons %+v", lang, buttons)
		}
		text := strings.Join(slackTexts(msg), "\n")
		line := map[orders.Language]string{orders.French: "Déblocage approuvé par Sophie Bernard le 26/11/2026, en attente de l'ERP.",
			orders.English: "Release approved by Sophie Bernard on 26 Nov 2026, waiting for the ERP."}[lang]
		if !strings.Contains(text, line) {
			t.Errorf("%s: no %q in\n%s", lang, line, text)
		}
		for name, b := range map[string]bot.Answer{
			"no route": withRelease(a, blocked, bot.Release{}),
			"open":     withRelease(a, order("4500011040", orders.StatusOpen), bot.Release{Offer: true, ApprovedBy: "Sophie Bernard", ApprovedAt: approved}),
		} {
			m := r.Slack(b)
			if len(releaseButtons(m)) != 0 || strings.Contains(strings.Join(slackTexts(m), "\n"), "ERP") {
				t.Errorf("%s, %s: offers a release or shows one waiting", lang, name)
			}
		}
		asked := r.Slack(bot.Answer{Kind: bot.ReleaseAsked, Lang: lang, At: now, Release: bot.Release{Text: "Demande envoyée dans <#C0CREDIT01>."}})
		if got := strings.Join(slackTexts(asked), "\n"); !strings.Contains(got, "Demande envoyée dans <#C0CREDIT01>.") {
			t.Errorf("%s: release asked shows %q", lang, got)
		}
	}
	if ids := render.ReleaseMessages().IDs(); !slices.Equal(ids, []string{"release.button", "release.waiting_erp"}) {
		t.Errorf("release catalog ids %q", ids)
	}
}

func withRelease(a bot.Answer, o orders.Order, r bot.Release) bot.Answer {
	a.Order, a.Release = o, r
	return a
}

// releaseButtons are the Ask for release buttons of msg.
func releaseButtons(msg render.Message) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range msg.Blocks {
		ab, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, e := range ab.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok && strings.HasPrefix(btn.ActionID, render.ActionAskRelease) {
				out = append(out, btn)
			}
		}
	}
	return out
}
