package notify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
)

// maxActionElements is the most elements Slack takes in an actions block.
const maxActionElements = 25

// TestAlertAsksForReleaseWithinSlacksLimits: an alert listing as many
// orders as it can, every one blocked in a status with a route, offers
// "Ask for release" on each order that carries buttons (the answers'
// action, the order's number as value), in both languages, and stays
// within Slack's limits: 50 blocks, 25 elements an actions block, action
// ids distinct.
func TestAlertAsksForReleaseWithinSlacksLimits(t *testing.T) {
	releasable := notify.Releasable{}
	for _, s := range orders.BlockedStatuses() {
		releasable[s] = true
	}
	for _, lang := range []orders.Language{orders.French, orders.English} {
		alerts := variantAlerts(40, "EUR", "CHF")
		m := notify.OwnedAlertMessage(alerts, nil, nil, releasable, len(alerts), lang, paris).Slack()
		if len(m.Blocks) > render.MaxBlocks {
			t.Errorf("%s: %d blocks, Slack takes %d", lang, len(m.Blocks), render.MaxBlocks)
		}
		label := render.ReleaseMessages().In(lang).T("release.button", nil)
		asked := map[string]bool{}
		ids := map[string]bool{}
		for _, b := range m.Blocks {
			if n := sectionLength(b); n > render.MaxSectionText {
				t.Errorf("%s: a section of %d characters, Slack takes %d", lang, n, render.MaxSectionText)
			}
			act, ok := b.(*slack.ActionBlock)
			if !ok {
				continue
			}
			if n := len(act.Elements.ElementSet); n > maxActionElements {
				t.Errorf("%s: an actions block of %d elements, Slack takes %d", lang, n, maxActionElements)
			}
			for _, e := range act.Elements.ElementSet {
				btn := e.(*slack.ButtonBlockElement)
				if ids[btn.ActionID] {
					t.Errorf("%s: action id %s twice", lang, btn.ActionID)
				}
				ids[btn.ActionID] = true
				if strings.HasPrefix(btn.ActionID, render.ActionAskRelease) {
					if btn.ActionID != render.ActionAskRelease+":"+btn.Value || btn.Text.Text != label {
						t.Errorf("%s: ask button %s = %q labelled %q", lang, btn.ActionID, btn.Value, btn.Text.Text)
					}
					asked[btn.Value] = true
				}
			}
		}
		for i, a := range alerts {
			if want := i < 20; asked[a.Number] != want {
				t.Errorf("%s: order %d (%s) offers Ask for release: %v, want %v", lang, i+1, a.Number, asked[a.Number], want)
			}
		}
		// Without routes, no order offers it.
		plain, _ := json.Marshal(notify.OwnedAlertMessage(alerts, nil, nil, nil, len(alerts), lang, paris).Slack().Blocks)
		if strings.Contains(string(plain), render.ActionAskRelease) {
			t.Errorf("%s: an alert without routes offers Ask for release", lang)
		}
	}
}

// sectionLength is the length in characters of a section block's text, 0
// for other blocks.
func sectionLength(b slack.Block) int {
	s, ok := b.(*slack.SectionBlock)
	if !ok || s.Text == nil {
		return 0
	}
	return len([]rune(s.Text.Text))
}
