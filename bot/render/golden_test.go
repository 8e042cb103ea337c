package render_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/orderbot/orderbot/bot"
	"github.com/orderbot/orderbot/bot/render"
	"github.com/orderbot/orderbot/internal/golden"
	"github.com/orderbot/orderbot/orders"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the renderer produces")

// goldenNames are the answers kept as golden files: one of each shape,
// read by a person whenever they change.
var goldenNames = []string{
	"order_open", "order_picking", "order_out_of_stock", "order_anomaly", "order_credit_limit", "order_delivery_block",
	"order_financial_block", "order_invoiced", "order_cancelled", "order_stale", "order_never_imported", "order_escaped",
	"order_bare_out_of_stock", "order_bare_open", "order_bare_cancelled", "order_since_seconds", "order_since_day",
	"list_customer_more", "list_mine_blocked", "list_reason", "list_manager_currencies", "list_ref", "list_one",
	"list_one_open", "list_customer_all_blocked", "list_customer_blocked_for", "list_pages", "list_mine_empty",
	"list_everyone_empty", "list_customer_empty_own", "list_customer_empty",
	"choose", "not_found_order_suggestions", "not_found_order_three_suggestions", "not_found_order", "not_found_customer",
	"not_found_customer_accents", "not_found_ref", "not_found_code", "not_found_customer_id",
	"refused", "help", "thanks", "not_understood", "unavailable",
	"several_orders", "set_orders", "set_more", "several_customers", "list_team_blocked", "list_all_own_only", "list_person",
	"list_person_own_only_empty", "list_customer_mine", "list_customer_team", "list_reason_phrase", "list_reason_missed",
	"choose_person", "choose_person_my_rep", "not_found_person", "not_found_my_assistant", "next_in_list", "no_next_order",
	"no_next_list",
	"order_short_lines", "order_lines_all", "order_short_undated", "order_lines_none", "order_many_lines",
	"order_many_lines_all", "order_lines_escaped", "order_credit_excess", "order_credit_overdue",
	"order_credit_overdue_only", "order_credit_hold_only", "order_credit_and_short", "list_item", "list_item_code",
	"list_item_empty", "order_handled",
}

func TestGolden(t *testing.T) {
	r := render.New(render.Options{Location: paris, TrackingURLs: trackingURLs})
	for _, lang := range languages {
		all := answers(lang)
		for _, base := range goldenNames {
			a, ok := all[base]
			if !ok {
				t.Fatalf("no answer named %s", base)
			}
			name := base + "_" + string(lang)
			t.Run(name, func(t *testing.T) {
				msg := r.Slack(a)
				checkSlack(t, msg)
				var js bytes.Buffer
				enc := json.NewEncoder(&js)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				if err := enc.Encode(msg); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, name+".json", js.Bytes())
				checkGolden(t, name+".txt", []byte(r.Console(a)))
			})
		}
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden"), name, got, *update)
}

func TestCalendarDatesKeepTheirDay(t *testing.T) {
	montreal, err := time.LoadLocation("America/Montreal")
	if err != nil {
		t.Fatal(err)
	}
	o := order("4500012345", orders.StatusOpen)
	ordered := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) // a date column, read as UTC midnight
	o.OrderedOn = &ordered
	a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: now, Data: fresh, Order: o}
	if got := render.New(render.Options{Location: montreal}).Console(a); !strings.Contains(got, "Commandée le 27/11/2026") {
		t.Errorf("an order date of 27/11 shown west of UTC:\n%s", got)
	}
}

func TestDataCannotAddLines(t *testing.T) {
	a := bot.Answer{Kind: bot.OrderFound, Lang: orders.French, At: now, Data: fresh, Order: order("4500012345", orders.StatusOpen)}
	a.Order.Customer = nasty
	r := render.New(render.Options{Location: paris})
	for name, text := range map[string]string{"console": r.Console(a), "slack": r.Slack(a).Blocks[0].(*slack.SectionBlock).Text.Text} {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "• fake line") || strings.Contains(line, "\x1b") {
				t.Errorf("%s: the customer's name adds a line or an escape sequence: %q", name, line)
			}
		}
	}
}
