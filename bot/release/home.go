package release

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// homeRows is how many rows one list of the Home tab shows; the rest is
// counted.
const homeRows = 15

// escalationDays is how far back the escalations of a manager's Home tab
// go.
const escalationDays = 7

// Home publishes each person's Home tab when they open it, at most once
// every Every per person across the replicas sharing the store: opening it
// again sooner, on any replica, shows the page published a moment before.
type Home struct {
	r *Releases
	// Every is the least time between two pages of one person; default
	// 5 s.
	Every time.Duration
}

// Home returns the Home tab of the releases.
func (r *Releases) Home() *Home {
	return &Home{r: r, Every: 5 * time.Second}
}

// Due reports whether user's page may be published now, and if so counts
// it as published, for every replica.
func (h *Home) Due(ctx context.Context, user string) (bool, error) {
	return h.r.cfg.Store.ClaimHomePublish(ctx, user, h.Every)
}

// View is person p's page, in their language: a rep or an assistant their
// blocked orders (by block, oldest first), their release requests and the
// alerts they took on; a decider the requests waiting for them; a manager
// their team's blocked orders and the alerts escalated to them. found
// false is someone outside the directory.
func (h *Home) View(ctx context.Context, p orders.Person, found bool) (slack.HomeTabViewRequest, error) {
	lang := h.r.lang(p)
	pg := page{t: messages().In(lang), lang: lang, r: h.r}
	if !found || p.Placeholder {
		pg.text(pg.t.T("release.unknown_person", nil))
		return pg.view(), nil
	}
	pg.header(pg.t.T("home.title", catalog.Args{"Name": render.Escape(p.Name)}))
	pg.context(pg.t.T("home.as_of", catalog.Args{"When": render.DateTime(h.r.cfg.Now().In(h.r.cfg.Location), lang)}))
	var err error
	switch p.Role {
	case orders.RoleManager:
		err = h.manager(ctx, &pg, p)
	default:
		err = h.portfolio(ctx, &pg, p)
	}
	if err == nil {
		err = h.decider(ctx, &pg, p)
	}
	return pg.view(), err
}

// portfolio lists a rep's or an assistant's blocked orders, requests and
// claims.
func (h *Home) portfolio(ctx context.Context, pg *page, p orders.Person) error {
	st := h.r.cfg.Store
	f := orders.OrderFilter{RepID: p.ID, BlockedOnly: true, Limit: 100}
	if p.Role == orders.RoleAssistant {
		f = orders.OrderFilter{AssistantID: p.ID, BlockedOnly: true, Limit: 100}
	}
	list, err := st.OpenOrders(ctx, f)
	if err != nil {
		return err
	}
	pg.header(pg.t.N("home.blocked", list.Blocked, catalog.Args{"Count": list.Blocked}))
	if list.Blocked == 0 {
		pg.text(pg.t.T("home.blocked_none", nil))
	}
	for _, block := range orders.BlockedStatuses() {
		var rows []string
		for _, o := range oldestFirst(list.Orders, block) {
			rows = append(rows, pg.t.T("home.order", catalog.Args{"Number": "*" + render.Escape(o.Number) + "*",
				"Customer": render.Escape(o.Customer.Name), "Amount": render.Money(o.AmountCents, o.Currency, pg.lang),
				"Since": render.Date(o.StatusSince.In(h.r.cfg.Location), pg.lang)}))
		}
		pg.list(block.Label(pg.lang), rows)
	}
	reqs, err := st.ReleaseRequests(ctx, postgres.ReleaseFilter{RequesterID: p.ID,
		States: []string{postgres.ReleaseOpen, postgres.ReleaseApproved}})
	if err != nil {
		return err
	}
	var rows []string
	for _, req := range reqs {
		if req.State == postgres.ReleaseApproved && (req.ReleasedAt != nil || req.DecidedAt.Before(h.r.cfg.Now().Add(-30*24*time.Hour))) {
			continue
		}
		rows = append(rows, pg.request(req))
	}
	pg.section(pg.t.T("home.requests", nil), rows)
	claims, err := st.ClaimedBy(ctx, p.ID, homeRows+1)
	if err != nil {
		return err
	}
	pg.section(pg.t.T("home.claims", nil), pg.held(claims, false))
	return nil
}

// oldestFirst are the orders of list in status block, the oldest block
// first.
func oldestFirst(list []orders.Order, block orders.Status) []orders.Order {
	var out []orders.Order
	for _, o := range list {
		if o.Status == block {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b orders.Order) int { return a.StatusSince.Compare(b.StatusSince) })
	return out
}

// decider lists the open requests of the routes p decides.
func (h *Home) decider(ctx context.Context, pg *page, p orders.Person) error {
	var blocks []orders.Status
	for _, b := range orders.BlockedStatuses() {
		if rt, ok := h.r.cfg.Routes[b]; ok && rt.decides(p) {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 {
		return nil
	}
	reqs, err := h.r.cfg.Store.ReleaseRequests(ctx, postgres.ReleaseFilter{States: []string{postgres.ReleaseOpen}, Blocks: blocks})
	if err != nil {
		return err
	}
	pg.header(pg.t.T("home.waiting", nil))
	if len(reqs) == 0 {
		pg.text(pg.t.T("home.waiting_none", nil))
	}
	var rows []string
	for _, req := range reqs {
		o, err := h.r.cfg.Store.OrderByNumber(ctx, req.Number)
		if err != nil {
			return err
		}
		rows = append(rows, pg.t.T("home.waiting_one", catalog.Args{"Number": "*" + render.Escape(req.Number) + "*",
			"Customer": render.Escape(o.Customer.Name), "Block": req.Block.Label(pg.lang), "Requester": render.Escape(req.Requester.Name),
			"When": render.DateTime(req.RequestedAt.In(h.r.cfg.Location), pg.lang), "Channel": "<#" + req.Channel + ">"}))
	}
	pg.list("", rows)
	return nil
}

// manager shows a manager's team and the alerts escalated to them.
func (h *Home) manager(ctx context.Context, pg *page, p orders.Person) error {
	st := h.r.cfg.Store
	team, err := st.Team(ctx, p.Email)
	if err != nil {
		return err
	}
	var rows []string
	for _, m := range team {
		f := orders.OrderFilter{RepID: m.ID, BlockedOnly: true, Limit: 1}
		if m.Role == orders.RoleAssistant {
			f = orders.OrderFilter{AssistantID: m.ID, BlockedOnly: true, Limit: 1}
		}
		list, err := st.OpenOrders(ctx, f)
		if err != nil {
			return err
		}
		var amounts []string
		for cur, cents := range list.BlockedCents {
			amounts = append(amounts, render.Money(cents, cur, pg.lang))
		}
		if len(amounts) == 0 {
			amounts = []string{render.Money(0, "EUR", pg.lang)}
		}
		rows = append(rows, pg.t.N("home.team_member", list.Blocked, catalog.Args{"Name": render.Escape(m.Name),
			"Count": list.Blocked, "Amount": strings.Join(amounts, " + ")}))
	}
	pg.section(pg.t.T("home.team", nil), rows)
	esc, err := st.EscalatedTo(ctx, p.ID, h.r.cfg.Now().Add(-escalationDays*24*time.Hour), homeRows+1)
	if err != nil {
		return err
	}
	pg.section(pg.t.T("home.escalations", nil), pg.held(esc, true))
	return nil
}

// Opened returns what publishes the page of whoever opens the Home tab,
// with publish (views.publish), at most once every Every per person.
func (h *Home) Opened(publish func(ctx context.Context, user string, view slack.HomeTabViewRequest) error) func(ctx context.Context, user string, asker bot.Asker) error {
	return func(ctx context.Context, user string, asker bot.Asker) error {
		if due, err := h.Due(ctx, user); !due || err != nil {
			return err
		}
		p, found, err := h.r.Person(ctx, asker)
		if err != nil {
			return err
		}
		view, err := h.View(ctx, p, found)
		if err != nil {
			return err
		}
		return publish(ctx, user, view)
	}
}
