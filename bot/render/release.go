package render

import (
	_ "embed"
	"sync"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
)

//go:embed release_messages.yaml
var releaseYAML []byte

// releaseMessages is the catalog of the release wordings of answers,
// parsed on first use and read-only after, like messages.
var releaseMessages = sync.OnceValue(func() *catalog.Catalog { return catalog.MustParse(releaseYAML) })

// ReleaseMessages returns the catalog of the release wordings of answers,
// for tests that check every message in both languages.
func ReleaseMessages() *catalog.Catalog { return releaseMessages() }

// ActionAskRelease is the action ID of the button asking for the release
// of the order of an answer (its number is the value); bot/release handles
// it, under the prefix "release".
const ActionAskRelease = "release_ask"

// rt renders the release message id in the answer's language.
func (x *describer) rt(id string, args catalog.Args) string {
	return releaseMessages().In(x.lang()).T(id, args)
}

// releaseState offers to ask for the release of the blocked order an
// answer shows, and says an approved release waits for the ERP.
func (x *describer) releaseState() {
	o, r := x.a.Order, x.a.Release
	if x.part || !o.Blocked() {
		return
	}
	if r.ApprovedBy != "" {
		x.d.context = append(x.d.context, x.s.icon("hourglass_flowing_sand")+x.rt("release.waiting_erp",
			catalog.Args{"Decider": x.field(x.s, r.ApprovedBy), "When": Date(x.local(r.ApprovedAt), x.lang())}))
	}
	if r.Offer {
		x.d.buttons = append(x.d.buttons, button{label: x.rt("release.button", nil), action: ActionAskRelease, value: o.Number})
	}
}

// releaseAsked says what asking for a release did.
func (x *describer) releaseAsked() {
	x.say(x.a.Release.Text)
}

// releaseKinds lays out the answers of asking for a release, and reports
// whether a was one.
func (x *describer) releaseKinds() bool {
	if x.a.Kind != bot.ReleaseAsked {
		return false
	}
	x.releaseAsked()
	return true
}
