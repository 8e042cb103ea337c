package release

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// maxLines is how many of an order's lines a request shows.
const maxLines = 5

// requestMessage is the request req about order o, as its route's channel
// shows it in lang: the order, its block, the credit position and short
// lines when known, who asks and why; then Approve and Decline while it is
// open, or its decision once taken.
func (r *Releases) requestMessage(req postgres.ReleaseRequest, o orders.Order, lang orders.Language) render.Message {
	t := messages().In(lang)
	num := render.Escape(o.Number)
	title := t.T("release.request_title", catalog.Args{"Number": num})
	lines := []string{
		"*" + title + "*",
		t.T("release.request_order", catalog.Args{"Customer": render.Escape(o.Customer.Name),
			"Amount": render.Money(o.AmountCents, o.Currency, lang)}),
		t.T("release.request_block", catalog.Args{"Block": req.Block.Label(lang),
			"Since": render.Date(req.BlockSince.In(r.cfg.Location), lang),
			"Age":   render.Age(r.cfg.Now().Sub(req.BlockSince), lang)}) + reasonOf(t, blockReason(o, req.Block)),
	}
	if c := o.Customer.Credit; c != nil {
		if c.AccountHold {
			lines = append(lines, t.T("release.request_hold", nil))
		}
		lines = append(lines, t.T("release.request_credit", catalog.Args{
			"Exposure": render.Money(c.ExposureCents, c.Currency, lang), "Limit": render.Money(c.LimitCents, c.Currency, lang),
			"Overdue": render.Money(c.OverdueCents, c.Currency, lang)}))
	}
	lines = append(lines, orderLines(t, o, lang)...)
	lines = append(lines, t.T("release.request_by", catalog.Args{"Requester": render.Escape(req.Requester.Name),
		"When": render.DateTime(req.RequestedAt.In(r.cfg.Location), lang)})+reasonOf(t, req.Reason))
	text := strings.Join(lines, "\n")
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}
	if req.State == postgres.ReleaseOpen {
		value := strconv.FormatInt(req.ID, 10)
		approve := slack.NewButtonBlockElement(ActionApprove, value, slack.NewTextBlockObject(slack.PlainTextType, t.T("release.approve", nil), false, false))
		approve.Style = slack.StylePrimary
		decline := slack.NewButtonBlockElement(ActionDecline, value, slack.NewTextBlockObject(slack.PlainTextType, t.T("release.decline", nil), false, false))
		decline.Style = slack.StyleDanger
		blocks = append(blocks, slack.NewActionBlock("release_"+value, approve, decline))
	} else {
		decided := r.decision(req, lang)
		blocks = append(blocks, slack.NewContextBlock("release_decision", slack.NewTextBlockObject(slack.MarkdownType, decided, false, false)))
		text += "\n" + decided
	}
	return render.Message{Text: title, Blocks: blocks}
}

// blockReason is what the ERP says of o's block kind.
func blockReason(o orders.Order, kind orders.Status) string {
	for _, b := range o.Blocks {
		if b.Kind == kind && b.Reason != "" {
			return b.Reason
		}
	}
	if o.Status == kind {
		return o.BlockReason
	}
	return ""
}

// orderLines are o's first lines, short: item, quantity, what is missing.
func orderLines(t catalog.Texts, o orders.Order, lang orders.Language) []string {
	var out []string
	for i, l := range o.Lines {
		if i == maxLines {
			out = append(out, "• "+t.N("release.request_more_lines", len(o.Lines)-maxLines, catalog.Args{"Count": len(o.Lines) - maxLines}))
			break
		}
		out = append(out, "• "+t.T("release.request_line", catalog.Args{"Item": render.Escape(l.Item),
			"Description": render.Escape(l.Description), "Quantity": render.Quantity(l.Quantity, lang),
			"Missing": render.Quantity(l.Missing(), lang)}))
	}
	return out
}

// noticeText is the direct message of kind about req (order o) to someone
// reading lang.
func (r *Releases) noticeText(kind string, req postgres.ReleaseRequest, o orders.Order, lang orders.Language) string {
	t := messages().In(lang)
	args := catalog.Args{"Number": render.Escape(o.Number), "Customer": render.Escape(o.Customer.Name),
		"Block": req.Block.Label(lang), "Decider": render.Escape(req.Decider.Name)}
	switch {
	case kind == noticeStale:
		args["When"] = render.DateTime(req.DecidedAt.In(r.cfg.Location), lang)
		args["Age"] = render.Age(r.cfg.Now().Sub(*req.DecidedAt), lang)
		return t.T("release.dm_stale", args)
	case req.State == postgres.ReleaseApproved:
		return t.T("release.dm_approved", args) + whyOf(t, req.DecisionReason)
	}
	return t.T("release.dm_declined", args) + whyOf(t, req.DecisionReason)
}

// whyOf is a reason on a line of its own, or nothing without one.
func whyOf(t catalog.Texts, reason string) string {
	if strings.TrimSpace(reason) == "" {
		return ""
	}
	return "\n" + t.T("release.why", catalog.Args{"Reason": render.Escape(reason)})
}

// DeclineModal is the modal asking why request id is declined, for order
// number, in lang (views.open with the click's trigger_id).
func DeclineModal(id int64, number string, lang orders.Language) slack.ModalViewRequest {
	t := messages().In(lang)
	plain := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	input := slack.NewPlainTextInputBlockElement(nil, "reason")
	input.Multiline = true
	block := slack.NewInputBlock("release_reason", plain(t.T("release.modal_label", catalog.Args{"Number": number})), nil, input)
	return slack.ModalViewRequest{Type: slack.VTModal, Title: plain(t.T("release.modal_title", nil)),
		Submit: plain(t.T("release.modal_submit", nil)), Close: plain(t.T("release.modal_cancel", nil)),
		CallbackID: DeclineCallback, PrivateMetadata: strconv.FormatInt(id, 10), Blocks: slack.Blocks{BlockSet: []slack.Block{block}}}
}

// DeclineReason reads the reason typed in a submitted DeclineModal, and
// the request it declines.
func DeclineReason(view slack.View) (int64, string, error) {
	id, err := requestID(view.PrivateMetadata)
	if err != nil {
		return 0, "", err
	}
	return id, view.State.Values["release_reason"]["reason"].Value, nil
}
