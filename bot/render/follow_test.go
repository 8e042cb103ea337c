package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// TestFollowCatalog: following's catalog parses, every message in it is
// used by follow.go, and every one follow.go asks for is in it.
func TestFollowCatalog(t *testing.T) {
	c := render.FollowMessages()
	src, err := os.ReadFile("follow.go")
	if err != nil {
		t.Fatal(err)
	}
	ids := c.IDs()
	for _, id := range ids {
		if !strings.Contains(string(src), `"`+id+`"`) {
			t.Errorf("message %s is in follow_messages.yaml but follow.go does not use it", id)
		}
	}
	calls := regexp.MustCompile(`\.(?:ft|fn)\("([^"]+)"|pick\(order, "([^"]+)", "([^"]+)"\)`).FindAllStringSubmatch(string(src), -1)
	if len(calls) < 10 {
		t.Fatalf("found %d calls of following's catalog: the scan is broken", len(calls))
	}
	for _, call := range calls {
		for _, id := range call[1:] {
			if id != "" && !slices.Contains(ids, id) {
				t.Errorf("follow.go asks for message %s, which follow_messages.yaml does not have", id)
			}
		}
	}
}

// followAnswers are the answers of following, by name, in lang.
func followAnswers(lang orders.Language) map[string]bot.Answer {
	blocked := order("4500011039", orders.StatusCreditLimit, orders.Block{Kind: orders.StatusCreditLimit,
		Reason: "Encours dépassé de 12 400 €", Since: now.Add(-50 * time.Hour)})
	open := order("4500011040", orders.StatusOpen)
	invoiced := order("4500011041", orders.StatusInvoiced)
	q := understand.Question{Intent: understand.Order, Number: "4500011039"}
	base := bot.Answer{Kind: bot.OrderFound, Lang: lang, At: now, Question: q, Data: fresh, Followable: true}
	with := func(f func(a *bot.Answer)) bot.Answer {
		a := base
		f(&a)
		return a
	}
	return map[string]bot.Answer{
		"follow_order_button":   with(func(a *bot.Answer) { a.Order = open }),
		"follow_order_auto":     with(func(a *bot.Answer) { a.Order, a.Following, a.AutoFollowed = blocked, true, true }),
		"follow_order_unfollow": with(func(a *bot.Answer) { a.Order, a.Following = blocked, true }),
		"follow_done":           with(func(a *bot.Answer) { a.Kind, a.Order = bot.Followed, blocked }),
		"follow_already":        with(func(a *bot.Answer) { a.Kind, a.Order, a.Already = bot.Followed, blocked, true }),
		"follow_closed":         with(func(a *bot.Answer) { a.Kind, a.Order, a.Already = bot.Followed, invoiced, true }),
		"unfollow_done":         with(func(a *bot.Answer) { a.Kind, a.Order = bot.Unfollowed, blocked }),
		"unfollow_none":         with(func(a *bot.Answer) { a.Kind, a.Order, a.Already = bot.Unfollowed, blocked, true }),
		"follow_customer_done":  with(func(a *bot.Answer) { a.Kind, a.Order, a.Subject.Customer = bot.Followed, orders.Order{}, dupre }),
		"follow_customer_already": with(func(a *bot.Answer) {
			a.Kind, a.Order, a.Subject.Customer, a.Already = bot.Followed, orders.Order{}, dupre, true
		}),
		"unfollow_customer_done": with(func(a *bot.Answer) { a.Kind, a.Order, a.Subject.Customer = bot.Unfollowed, orders.Order{}, dupre }),
		"unfollow_customer_none": with(func(a *bot.Answer) {
			a.Kind, a.Order, a.Subject.Customer, a.Already = bot.Unfollowed, orders.Order{}, dupre, true
		}),
		"follows_none": with(func(a *bot.Answer) { a.Kind = bot.FollowList }),
		"follows_list": with(func(a *bot.Answer) {
			a.Kind, a.Follows = bot.FollowList, []bot.Follow{
				{Number: "4500011039", Status: orders.StatusCreditLimit, Customer: dupre, Auto: true},
				{Number: "4500011040", Status: orders.StatusOpen, Customer: muller},
				{Customer: nasty}}
		}),
		"follows_one": with(func(a *bot.Answer) {
			a.Kind, a.Follows = bot.FollowList, []bot.Follow{{Customer: arts}}
		}),
	}
}

// followChanges are what an import changed of the orders someone follows.
func followChanges() map[string][]render.Change {
	released := render.Change{Number: "4500011039", Customer: dupre.Name, From: orders.StatusCreditLimit, To: orders.StatusOpen,
		FromReason: "Encours dépassé de 12 400 €"}
	moved := render.Change{Number: "4500011040", Customer: muller.Name, From: orders.StatusOpen, To: orders.StatusOpen,
		FromPromised: day(12, 10), ToPromised: day(12, 17), PromiseMoved: true}
	invoiced := render.Change{Number: "4500011041", Customer: nasty.Name, From: orders.StatusPicking, To: orders.StatusInvoiced}
	reblocked := render.Change{Number: "4500011042", Customer: arts.Name, From: orders.StatusCreditLimit, To: orders.StatusDeliveryBlock,
		FromReason: "Encours dépassé", ToReason: "Adresse de livraison à confirmer", FromPromised: day(12, 4), PromiseMoved: true}
	return map[string][]render.Change{
		"notice_released": {released},
		"notice_several":  {released, moved, invoiced, reblocked},
	}
}

// TestFollowGolden: the answers of following, the follow buttons, the
// direct message of a change and an answer updated in place, in both
// languages, as golden files read as a user reads them, and within
// Slack's limits.
func TestFollowGolden(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	for _, lang := range languages {
		for name, a := range followAnswers(lang) {
			t.Run(name+"_"+string(lang), func(t *testing.T) {
				msg := r.Slack(a)
				checkFollowMessage(t, msg, lang)
				checkGolden(t, name+"_"+string(lang)+".json", encode(t, msg))
			})
		}
		for name, changes := range followChanges() {
			t.Run(name+"_"+string(lang), func(t *testing.T) {
				msg := r.FollowNotice(lang, changes)
				checkFollowMessage(t, msg, lang)
				checkGolden(t, name+"_"+string(lang)+".json", encode(t, msg))
			})
		}
		t.Run("updated_"+string(lang), func(t *testing.T) {
			a := followAnswers(lang)["follow_order_unfollow"]
			a.Order = order("4500011039", orders.StatusOpen)
			msg := r.Updated(r.Slack(a), lang, time.Date(2026, 11, 28, 6, 4, 0, 0, paris))
			checkFollowMessage(t, msg, lang)
			checkGolden(t, "follow_updated_"+string(lang)+".json", encode(t, msg))
		})
	}
}

// TestFollowButtons: an open order's answer offers Follow, or Unfollow to
// someone who follows it; a closed one, or one the asker may not follow,
// offers neither.
func TestFollowButtons(t *testing.T) {
	r := render.New(render.Options{Location: paris})
	all := followAnswers(orders.French)
	cases := map[string]string{"follow_order_button": render.ActionFollow, "follow_order_auto": render.ActionUnfollow,
		"follow_order_unfollow": render.ActionUnfollow}
	for name, want := range cases {
		if got := followActionIDs(r.Slack(all[name])); len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.HasPrefix(got[0], "follow") {
			t.Errorf("%s: buttons %v, want one %s", name, got, want)
		}
	}
	closed := all["follow_order_button"]
	closed.Order = order("4500011041", orders.StatusInvoiced)
	unset := all["follow_order_button"]
	unset.Followable = false
	for name, a := range map[string]bot.Answer{"closed": closed, "not followable": unset} {
		if got := followActionIDs(r.Slack(a)); len(got) != 0 {
			t.Errorf("%s: buttons %v, want none", name, got)
		}
	}
}

func followActionIDs(msg render.Message) []string {
	var out []string
	for _, b := range msg.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && strings.HasPrefix(btn.ActionID, "follow") {
					out = append(out, btn.ActionID+"="+btn.Value)
				}
			}
		}
	}
	return out
}

// checkFollowMessage checks msg within Slack's limits and reading right
// in lang, the data of the fixtures aside.
func checkFollowMessage(t *testing.T, msg render.Message, lang orders.Language) {
	t.Helper()
	checkSlack(t, msg)
	data := []string{render.Escape(dupre.Name), render.Escape(muller.Name), render.Escape(nasty.Name), render.Escape(arts.Name),
		"Encours dépassé de 12 400 €", "Adresse de livraison à confirmer", "PO-7781", rep.Name, adv.Name}
	for _, text := range append(slackTexts(msg), msg.Text) {
		for _, p := range readingProblems(text, lang, data) {
			t.Errorf("%s: %s", p, text)
		}
	}
	for _, p := range catalog.Lint(msg.Text, lang, data...) {
		t.Errorf("fallback: %s", p)
	}
}

func encode(t *testing.T, msg render.Message) []byte {
	t.Helper()
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(msg); err != nil {
		t.Fatal(err)
	}
	return js.Bytes()
}
