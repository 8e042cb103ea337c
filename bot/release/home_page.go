package release

import (
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// Slack's limits on a Home tab: blocks, and characters of a section's text.
const (
	maxHomeBlocks  = 100
	maxSectionText = 3000
)

// page is a Home tab being laid out.
type page struct {
	t      catalog.Texts
	lang   orders.Language
	r      *Releases
	blocks []slack.Block
}

func (pg *page) add(b slack.Block) {
	if len(pg.blocks) < maxHomeBlocks {
		pg.blocks = append(pg.blocks, b)
	}
}

func (pg *page) header(s string) {
	pg.add(slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, clipText(s, 150), false, false)))
}

func (pg *page) context(s string) {
	pg.add(slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, s, false, false)))
}

func (pg *page) text(s string) {
	pg.add(slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clipText(s, maxSectionText), false, false), nil, nil))
}

// list is rows under a bold title (none when empty), the first homeRows
// of them, the rest counted; nothing without rows.
func (pg *page) list(title string, rows []string) {
	if len(rows) == 0 {
		return
	}
	var lines []string
	if title != "" {
		lines = append(lines, "*"+title+"*")
	}
	for i, row := range rows {
		if i == homeRows {
			lines = append(lines, pg.t.N("home.more", len(rows)-homeRows, catalog.Args{"Count": len(rows) - homeRows}))
			break
		}
		lines = append(lines, "• "+row)
	}
	pg.text(strings.Join(lines, "\n"))
}

// section is a header and its list; nothing without rows.
func (pg *page) section(title string, rows []string) {
	if len(rows) == 0 {
		return
	}
	pg.add(slack.NewDividerBlock())
	pg.header(title)
	pg.list("", rows)
}

// request is one of someone's release requests.
func (pg *page) request(req postgres.ReleaseRequest) string {
	args := catalog.Args{"Number": "*" + render.Escape(req.Number) + "*", "Block": req.Block.Label(pg.lang),
		"When": render.Date(req.RequestedAt.In(pg.r.cfg.Location), pg.lang), "Channel": "<#" + req.Channel + ">"}
	if req.State == postgres.ReleaseApproved {
		args = catalog.Args{"Number": args["Number"], "Block": args["Block"], "Decider": render.Escape(req.Decider.Name),
			"When": render.Date(req.DecidedAt.In(pg.r.cfg.Location), pg.lang)}
		return pg.t.T("home.request_approved", args)
	}
	return pg.t.T("home.request", args)
}

// held are blocked orders (claimed, or escalated with their rep).
func (pg *page) held(list []postgres.Unowned, withRep bool) []string {
	var rows []string
	for _, u := range list {
		args := catalog.Args{"Number": "*" + render.Escape(u.Number) + "*", "Customer": render.Escape(u.Customer),
			"Amount": render.Money(u.AmountCents, u.Currency, pg.lang), "Since": render.Date(u.Since.In(pg.r.cfg.Location), pg.lang)}
		if withRep {
			rep := u.Rep
			if rep == "" {
				rep = "—"
			}
			rows = append(rows, pg.t.T("home.escalation", catalog.Args{"Number": args["Number"], "Customer": args["Customer"],
				"Block": u.Status.Label(pg.lang), "Since": args["Since"], "Rep": render.Escape(rep)}))
			continue
		}
		rows = append(rows, pg.t.T("home.order", args))
	}
	return rows
}

// view is the page as views.publish takes it.
func (pg *page) view() slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: pg.blocks}}
}

// clipText cuts s to n characters, marking the cut.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
