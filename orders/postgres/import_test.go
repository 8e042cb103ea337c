package postgres_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// entries yields es then io.EOF, as an export reader does.
func entries(es ...orders.Entry) func() (orders.Entry, error) {
	i := 0
	return func() (orders.Entry, error) {
		if i == len(es) {
			return orders.Entry{}, io.EOF
		}
		i++
		e := es[i-1]
		if e.Line == 0 {
			e.Line = i + 1
		}
		if e.Currency == "" {
			e.Currency = "EUR"
		}
		return e, nil
	}
}

func entry(number, customer string, st orders.Status, blocks ...orders.Status) orders.Entry {
	e := orders.Entry{Number: number, CustomerCode: customer, CustomerName: "Client " + customer, Status: st,
		Rep: "claire.martin@example.fr", Assistant: "helene.lefevre@example.fr", AmountCents: 100000}
	for _, b := range blocks {
		e.Blocks = append(e.Blocks, orders.Block{Kind: b, Reason: "raison " + string(b)})
	}
	if len(blocks) > 0 {
		e.BlockReason = "raison " + string(blocks[0])
	}
	return e
}

func (f *fixture) importOrders(req postgres.ImportRequest, es ...orders.Entry) (postgres.ImportReport, error) {
	f.t.Helper()
	if req.Source == "" {
		req.Source = "export.csv"
	}
	if req.AsOf.IsZero() {
		req.AsOf = f.now
	}
	if req.MaxCloseShare == 0 {
		req.MaxCloseShare = 0.3
	}
	if req.PeopleBy == "" {
		req.PeopleBy = orders.ByEmail
	}
	req.NumberColumn = "N° commande"
	return f.st.ImportOrders(f.ctx, req, entries(es...))
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.st.Pool().QueryRow(f.ctx, sql, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func portfolio(n int) []orders.Entry {
	var es []orders.Entry
	for i := range n {
		es = append(es, entry(fmt.Sprintf("45%08d", i), fmt.Sprintf("C%03d", i%7), orders.StatusOpen))
	}
	return es
}

func TestImportFirstLoadThenChangesRecordHistoryAndAlertsOnce(t *testing.T) {
	f := setup(t)
	base := portfolio(10)
	base[3] = entry(base[3].Number, "C003", orders.StatusCreditLimit, orders.StatusCreditLimit)
	rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 10 || rep.Created != 10 || rep.Updated != 0 || !rep.FirstLoad || rep.Alerts != 0 {
		t.Errorf("first load: %+v", rep)
	}
	if n := f.count(`SELECT count(*) FROM status_history`); n != 10 {
		t.Errorf("history after the first load: %d rows, want 10", n)
	}

	// A day later: two orders become blocked, one changes amount only, one
	// gets a second block.
	f.now = f.now.Add(24 * time.Hour)
	next := append([]orders.Entry(nil), base...)
	next[0] = entry(base[0].Number, "C000", orders.StatusDeliveryBlock, orders.StatusDeliveryBlock)
	next[1] = entry(base[1].Number, "C001", orders.StatusFinancialBlock, orders.StatusFinancialBlock, orders.StatusCreditLimit)
	next[2].AmountCents = 5
	next[3] = entry(base[3].Number, "C003", orders.StatusCreditLimit, orders.StatusCreditLimit, orders.StatusDeliveryBlock)
	rep, err = f.importOrders(postgres.ImportRequest{Snapshot: true}, next...)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 0 || rep.Updated != 4 || rep.Unchanged != 6 || rep.Closed != 0 || rep.Alerts != 2 || rep.FirstLoad {
		t.Errorf("second import: %+v", rep)
	}
	if rep.Transitions[orders.StatusDeliveryBlock] != 1 || rep.Transitions[orders.StatusFinancialBlock] != 1 {
		t.Errorf("transitions %v", rep.Transitions)
	}
	// History: one row per order whose status or blocks changed (3), none
	// for the amount-only change.
	if n := f.count(`SELECT count(*) FROM status_history WHERE import_id = $1`, rep.RunID); n != 3 {
		t.Errorf("history rows of the second import: %d, want 3", n)
	}
	if n := f.count(`SELECT count(*) FROM alert_events WHERE import_id = $1 AND state = 'pending'`, rep.RunID); n != 2 {
		t.Errorf("alert events: %d, want 2", n)
	}
	o, err := f.st.OrderByNumber(f.ctx, base[3].Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Blocks) != 2 || !o.Blocks[0].Since.Equal(f.now.Add(-24*time.Hour)) || !o.Blocks[1].Since.Equal(f.now) {
		t.Errorf("blocks %+v: the credit block keeps its start", o.Blocks)
	}
	if !o.StatusSince.Equal(f.now.Add(-24 * time.Hour)) {
		t.Errorf("status since %v", o.StatusSince)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, base[2].Number); o.AmountCents != 5 {
		t.Errorf("amount %d", o.AmountCents)
	}

	// The same export again: nothing changes, no history, no alert.
	again, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, next...)
	if err != nil {
		t.Fatal(err)
	}
	if again.Updated != 0 || again.Created != 0 || again.Unchanged != 10 || again.Alerts != 0 {
		t.Errorf("re-import: %+v", again)
	}
	if n := f.count(`SELECT count(*) FROM status_history WHERE import_id = $1`, again.RunID); n != 0 {
		t.Errorf("re-import wrote %d history rows", n)
	}
	if n := f.count(`SELECT count(*) FROM alert_events`); n != 2 {
		t.Errorf("alert events after the re-import: %d, want 2", n)
	}
}

func TestImportSnapshotClosesAbsentOrdersWithinTheGuard(t *testing.T) {
	f := setup(t)
	base := portfolio(10)
	base[0] = entry(base[0].Number, "C000", orders.StatusAnomaly, orders.StatusAnomaly)
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...); err != nil {
		t.Fatal(err)
	}
	// Incremental never closes.
	rep, err := f.importOrders(postgres.ImportRequest{}, base[5:]...)
	if err != nil || rep.Closed != 0 || f.count(`SELECT count(*) FROM orders WHERE closed_at IS NULL`) != 10 {
		t.Errorf("incremental: %+v, %v", rep, err)
	}
	// A truncated export would close half the portfolio: refused, nothing changes.
	_, err = f.importOrders(postgres.ImportRequest{Snapshot: true}, base[5:]...)
	wantCode(t, err, orders.EInvalid)
	if msg := orders.ErrorMessage(err); !strings.Contains(msg, "would close 5 of the 10 open orders (50%)") || !strings.Contains(msg, "--force") {
		t.Errorf("message %q", msg)
	}
	if n := f.count(`SELECT count(*) FROM orders WHERE closed_at IS NULL`); n != 10 {
		t.Errorf("after the refused snapshot: %d open orders, want 10", n)
	}
	if n := f.count(`SELECT count(*) FROM import_runs`); n != 2 {
		t.Errorf("the refused run was recorded: %d runs", n)
	}
	// Two absent orders are within the 30% guard.
	rep, err = f.importOrders(postgres.ImportRequest{Snapshot: true}, base[2:]...)
	if err != nil || rep.Closed != 2 {
		t.Fatalf("snapshot: %+v, %v", rep, err)
	}
	o, err := f.st.OrderByNumber(f.ctx, base[0].Number)
	if err != nil || o.Status != orders.StatusInvoiced || o.ClosedAt == nil || len(o.Blocks) != 0 {
		t.Errorf("absent order: %+v, %v", o, err)
	}
	h, _ := f.st.History(f.ctx, o.ID)
	if last := h[len(h)-1]; last.From != orders.StatusAnomaly || last.To != orders.StatusInvoiced {
		t.Errorf("history %+v", h)
	}
	// --force closes past the guard; an order coming back reopens.
	rep, err = f.importOrders(postgres.ImportRequest{Snapshot: true, Force: true}, base[:3]...)
	if err != nil || rep.Closed != 7 || len(rep.Forced) != 1 || rep.Forced[0] != "close_share" {
		t.Errorf("forced snapshot: %+v, %v", rep, err)
	}
	if n := f.count(`SELECT count(*) FROM import_runs WHERE id = $1 AND forced = '{close_share}'`, rep.RunID); n != 1 {
		t.Errorf("the forced run is not recorded as forced")
	}
	if o, _ := f.st.OrderByNumber(f.ctx, base[0].Number); o.ClosedAt != nil || o.Status != orders.StatusAnomaly {
		t.Errorf("reopened order: %+v", o)
	}
	if n := f.openOrdersOf(orders.Customer{ID: int64(f.count(`SELECT id FROM customers WHERE code = 'C000'`)), Name: "Client C000"}); n != 1 {
		t.Errorf("open orders of C000: %d, want 1", n)
	}
}

func TestImportErrorsLeaveTheStoreAsItWas(t *testing.T) {
	f := setup(t)
	base := portfolio(4)
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...); err != nil {
		t.Fatal(err)
	}
	before := f.count(`SELECT count(*) FROM status_history`) + 1000*f.count(`SELECT count(*) FROM orders`)

	// Duplicate numbers, all reported, in the file's order.
	dup := append(portfolio(4), base[1], base[1])
	dup[0] = entry(base[0].Number, "C000", orders.StatusPicking)
	_, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, dup...)
	var bad *orders.InputErrors
	if !errors.As(err, &bad) || len(bad.Problems) != 2 {
		t.Fatalf("duplicates: %v", err)
	}
	want := `export.csv:6: column "N° commande": order 4500000001 appears twice (first on line 3)`
	if bad.Problems[0].Text != want {
		t.Errorf("problem %q, want %q", bad.Problems[0].Text, want)
	}
	// A reader's bad rows abort it too, merged with the duplicates.
	n := 0
	rows := entries(dup...)
	next := func() (orders.Entry, error) {
		e, err := rows()
		if errors.Is(err, io.EOF) {
			return e, &orders.InputErrors{Problems: []orders.InputProblem{{Line: 4, Text: `export.csv:4: column "Montant HT": "12,4,5" is not a number`}}}
		}
		n++
		return e, err
	}
	_, err = f.st.ImportOrders(f.ctx, postgres.ImportRequest{Source: "export.csv", AsOf: f.now, MaxCloseShare: 1,
		PeopleBy: orders.ByEmail, NumberColumn: "N° commande"}, next)
	if !errors.As(err, &bad) || len(bad.Problems) != 3 || bad.Problems[0].Line != 4 {
		t.Errorf("bad rows: %v", err)
	}
	if after := f.count(`SELECT count(*) FROM status_history`) + 1000*f.count(`SELECT count(*) FROM orders`); after != before {
		t.Errorf("a failed import changed the store")
	}
	if o, _ := f.st.OrderByNumber(f.ctx, base[0].Number); o.Status != orders.StatusOpen {
		t.Errorf("a failed import changed an order: %s", o.Status)
	}
	if n := f.count(`SELECT count(*) FROM import_runs`); n != 1 {
		t.Errorf("failed runs recorded: %d runs", n)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	f := setup(t)
	base := portfolio(5)
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...); err != nil {
		t.Fatal(err)
	}
	changed := append([]orders.Entry(nil), base...)
	changed[0] = entry(base[0].Number, "C000", orders.StatusOutOfStock, orders.StatusOutOfStock)
	changed = append(changed, entry("4599999999", "C999", orders.StatusOpen))
	rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true, DryRun: true}, changed...)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || rep.Updated != 1 || rep.Unchanged != 4 || rep.Alerts != 1 || rep.Transitions[orders.StatusOutOfStock] != 1 {
		t.Errorf("dry run report %+v", rep)
	}
	if n := f.count(`SELECT count(*) FROM orders`); n != 5 {
		t.Errorf("dry run wrote orders: %d", n)
	}
	if n := f.count(`SELECT count(*) FROM alert_events`) + f.count(`SELECT count(*) FROM import_runs`); n != 1 {
		t.Errorf("dry run wrote events or runs")
	}
}

func TestImportCreatesPlaceholdersForUnknownPeople(t *testing.T) {
	f := setup(t)
	e := entry("4500000001", "C001", orders.StatusOpen)
	e.Rep, e.Assistant = "nouveau.commercial@example.fr", "claire.martin@example.fr"
	rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, e)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Placeholders) != 1 || rep.Placeholders[0] != "nouveau.commercial@example.fr" {
		t.Errorf("placeholders %v", rep.Placeholders)
	}
	p, err := f.st.PersonByEmail(f.ctx, "nouveau.commercial@example.fr")
	if err != nil || !p.Placeholder || p.Role != orders.RoleRep {
		t.Errorf("placeholder %+v, %v", p, err)
	}
	o, _ := f.st.OrderByNumber(f.ctx, "4500000001")
	if o.Rep == nil || o.Rep.ID != p.ID || o.Assistant == nil || o.Assistant.ID != f.rep.ID {
		t.Errorf("order people: rep %+v assistant %+v", o.Rep, o.Assistant)
	}
	// By code and by name, too.
	e.Number, e.Rep, e.Assistant = "4500000002", "REP77", ""
	rep, err = f.importOrders(postgres.ImportRequest{PeopleBy: orders.ByCode}, e)
	if err != nil || len(rep.Placeholders) != 1 || rep.Placeholders[0] != "REP77" {
		t.Errorf("by code: %+v, %v", rep, err)
	}
	e.Number, e.Rep = "4500000003", "Hélène Lefèvre"
	rep, err = f.importOrders(postgres.ImportRequest{PeopleBy: orders.ByName}, e)
	if err != nil || len(rep.Placeholders) != 0 {
		t.Errorf("by a known name: %+v, %v", rep, err)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, "4500000003"); o.Rep == nil || o.Rep.ID != f.asst.ID {
		t.Errorf("by name: rep %+v", o.Rep)
	}
}

func TestImportFollowsTheDirectoryForUnchangedRows(t *testing.T) {
	f := setup(t)
	a, b := entry("4500000001", "C001", orders.StatusOpen), entry("4500000002", "C001", orders.StatusOpen)
	a.Rep, b.Rep, a.Assistant, b.Assistant = "Dupont Jean", "Dupont Jean", "", ""
	if _, err := f.importOrders(postgres.ImportRequest{PeopleBy: orders.ByName}, a, b); err != nil {
		t.Fatal(err)
	}
	// The directory now says Claire Martin is "Dupont Jean".
	f.rep.Name = "Dupont Jean"
	if _, err := f.st.ImportPeople(f.ctx, "people.csv", "x", []orders.Person{f.rep}, false); err != nil {
		t.Fatal(err)
	}
	rep, err := f.importOrders(postgres.ImportRequest{PeopleBy: orders.ByName}, a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{a.Number, b.Number} {
		if o, _ := f.st.OrderByNumber(f.ctx, n); o.Rep == nil || o.Rep.ID != f.rep.ID {
			t.Errorf("order %s: rep %+v, want Claire Martin (%d)", n, o.Rep, f.rep.ID)
		}
	}
	if rep.Updated != 2 || rep.Unchanged != 0 {
		t.Errorf("report %+v", rep)
	}
}

func TestImportCountsOrdersTheExportCloses(t *testing.T) {
	f := setup(t)
	base := portfolio(10)
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...); err != nil {
		t.Fatal(err)
	}
	cancelled := make([]orders.Entry, len(base))
	for i, e := range base {
		e.Status = orders.StatusCancelled
		cancelled[i] = e
	}
	_, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, cancelled...)
	if msg := orders.ErrorMessage(err); !strings.Contains(msg, "would close 10 of the 10 open orders") {
		t.Errorf("guard: %v", err)
	}
	rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true, Force: true}, cancelled...)
	if err != nil || rep.Closed != 10 || rep.Updated != 0 || rep.Unchanged != 0 || rep.Transitions[orders.StatusCancelled] != 10 {
		t.Errorf("forced: %+v, %v", rep, err)
	}
}

// dump is the portfolio, its history, its alerts and its runs as text, to
// tell that nothing changed.
func (f *fixture) dump() string {
	f.t.Helper()
	var b strings.Builder
	for _, table := range []string{"orders", "order_blocks", "customers", "people", "status_history", "alert_events", "import_runs"} {
		var rows string
		if err := f.st.Pool().QueryRow(f.ctx, `SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM `+table+` t`).
			Scan(&rows); err != nil {
			f.t.Fatal(err)
		}
		b.WriteString(table + ":\n" + rows + "\n")
	}
	return b.String()
}

// TestImportRefusesAnExportOlderThanTheLastOfItsProfile: day 1's export
// imported after day 2's would reopen the orders day 2 invoiced and queue
// their alerts again. It is refused, naming both times, and nothing
// changes; forced, it is applied and its run says so.
func TestImportRefusesAnExportOlderThanTheLastOfItsProfile(t *testing.T) {
	f := setup(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	req := func(source string, at time.Time) postgres.ImportRequest {
		return postgres.ImportRequest{Source: source, Profile: "sage_fr", Snapshot: true, AsOf: at, RefuseOlder: true, Zone: paris}
	}
	day1 := portfolio(10)
	day1[4] = entry(day1[4].Number, "C004", orders.StatusCreditLimit, orders.StatusCreditLimit)
	if _, err := f.importOrders(req("day1.csv", f.now), day1...); err != nil {
		t.Fatal(err)
	}
	// Day 2: the first order was invoiced, the credit block released, and
	// another order blocked for delivery.
	day2 := append([]orders.Entry(nil), day1[1:]...)
	day2[3] = entry(day1[4].Number, "C004", orders.StatusPicking)
	day2[4] = entry(day1[5].Number, "C005", orders.StatusDeliveryBlock, orders.StatusDeliveryBlock)
	if _, err := f.importOrders(req("day2.csv", f.now.Add(24*time.Hour)), day2...); err != nil {
		t.Fatal(err)
	}

	before := f.dump()
	for _, r := range []postgres.ImportRequest{req("day1.csv", f.now), req("day1.csv", f.now.Add(23*time.Hour))} {
		for _, incremental := range []bool{false, true} {
			r.Snapshot = !incremental
			_, err := f.importOrders(r, day1...)
			wantCode(t, err, orders.EInvalid)
			msg := orders.ErrorMessage(err)
			for _, want := range []string{"day1.csv", r.AsOf.In(paris).Format("2006-01-02 15:04"), "2026-11-28 07:00", "day2.csv", "--force"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the refusal lacks %q: %s", want, msg)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("the refusal is not one line: %q", msg)
			}
		}
	}
	r := req("day1.csv", f.now)
	r.DryRun = true
	if _, err := f.importOrders(r, day1...); orders.ErrorCode(err) != orders.EInvalid {
		t.Errorf("a dry run of the older export: %v, want the refusal", err)
	}
	if after := f.dump(); after != before {
		t.Errorf("a refused import changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// Day 2 again is not older: it changes nothing. Another profile keeps
	// its own order, and a request that does not ask for the check (the
	// push API) is applied as before.
	if rep, err := f.importOrders(req("day2.csv", f.now.Add(24*time.Hour)), day2...); err != nil || rep.Updated+rep.Created+rep.Closed != 0 {
		t.Errorf("day 2 again: %+v, %v", rep, err)
	}
	other := req("other.csv", f.now)
	other.Profile, other.Snapshot = "other_erp", false
	if _, err := f.importOrders(other, day2[:1]...); err != nil {
		t.Errorf("another profile: %v", err)
	}
	if _, err := f.importOrders(postgres.ImportRequest{Source: "api", Profile: "api", AsOf: f.now}, day2[:1]...); err != nil {
		t.Errorf("without the check: %v", err)
	}

	// Forced, day 1 is applied: the invoiced order reopens, and the run
	// records that it was forced.
	r = req("day1.csv", f.now)
	r.Force = true
	rep, err := f.importOrders(r, day1...)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Forced) != 1 || rep.Forced[0] != "older" || rep.Previous.Source != "day2.csv" || !rep.Previous.AsOf.Equal(f.now.Add(24*time.Hour)) {
		t.Errorf("forced report: forced %v, previous %+v", rep.Forced, rep.Previous)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, day1[0].Number); o.ClosedAt != nil {
		t.Errorf("the forced import left %s closed", o.Number)
	}
	if n := f.count(`SELECT count(*) FROM import_runs WHERE id = $1 AND forced = '{older}'`, rep.RunID); n != 1 {
		t.Errorf("the forced run is not recorded as forced")
	}
	if n := f.count(`SELECT count(*) FROM import_runs WHERE forced <> '{}'`); n != 1 {
		t.Errorf("%d runs recorded as forced, want 1", n)
	}
}

// TestImportRefusesAnAsOfFarInTheFuture: a typo in the year (2999) would
// make every later export look older; more than a day ahead of the
// database's clock is refused, even with --force.
func TestImportRefusesAnAsOfFarInTheFuture(t *testing.T) {
	f := setup(t)
	for _, at := range []time.Time{time.Date(2999, 11, 27, 6, 0, 0, 0, time.UTC), time.Now().Add(72 * time.Hour)} {
		_, err := f.importOrders(postgres.ImportRequest{Snapshot: true, AsOf: at, Force: true, RefuseOlder: true}, portfolio(3)...)
		wantCode(t, err, orders.EInvalid)
		if msg := orders.ErrorMessage(err); !strings.Contains(msg, at.UTC().Format("2006-01-02 15:04")) || !strings.Contains(msg, "ahead") {
			t.Errorf("message %q", msg)
		}
	}
	if n := f.count(`SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM import_runs)`); n != 0 {
		t.Errorf("a refused import wrote %d rows", n)
	}
	// An ERP whose clock runs a little fast is still welcome.
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true, AsOf: time.Now().Add(time.Hour)}, portfolio(3)...); err != nil {
		t.Error(err)
	}
}

// TestImportTakesItsDefaultTimeOnceItHoldsTheLock: an import without an
// as-of time that waits for another one is as of after it, so that two
// imports started together apply in the order of their times.
func TestImportTakesItsDefaultTimeOnceItHoldsTheLock(t *testing.T) {
	f := setup(t)
	other, err := f.st.Pool().Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback(f.ctx) }()
	if _, err := other.Exec(f.ctx, `SELECT pg_advisory_xact_lock(hashtextextended('orderbot import orders', 0))`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		rep postgres.ImportReport
		err error
	}
	done := make(chan result, 1)
	go func() {
		rep, err := f.st.ImportOrders(f.ctx, postgres.ImportRequest{Source: "waiting.csv", Profile: "sage_fr", Snapshot: true,
			RefuseOlder: true, MaxCloseShare: 1, PeopleBy: orders.ByEmail}, entries(portfolio(3)...))
		done <- result{rep, err}
	}()
	// Once the import waits for the lock, the other one finishes.
	for deadline := time.Now().Add(time.Minute); f.count(`SELECT count(*) FROM pg_locks
		WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the import never waited for the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := other.Exec(f.ctx, `INSERT INTO import_runs (kind, source, sha256, profile, mode, as_of, finished_at)
		VALUES ('orders', 'first.csv', '', 'sage_fr', 'snapshot', clock_timestamp(), clock_timestamp())`); err != nil {
		t.Fatal(err)
	}
	if err := other.Commit(f.ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("the import that waited: %v", r.err)
	}
	if n := f.count(`SELECT count(*) FROM import_runs w, import_runs o
		WHERE w.id = $1 AND o.source = 'first.csv' AND w.as_of >= o.as_of`, r.rep.RunID); n != 1 {
		t.Error("the import that waited for the lock is as of before the one it waited for")
	}
}

// rowVersions are the cumulative counts of pg_stat_user_tables for orders.
type rowVersions struct{ ins, upd, hot int }

// orderVersions waits until the statistics count runs imports (each
// updates its run once, in its own transaction), then returns the orders
// table's counts: the statistics arrive after a commit, not with it.
func (f *fixture) orderVersions(runs int) rowVersions {
	f.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var v rowVersions
		var finished int
		if err := f.st.Pool().QueryRow(f.ctx, `SELECT o.n_tup_ins, o.n_tup_upd, o.n_tup_hot_upd, r.n_tup_upd
			FROM pg_stat_user_tables o, pg_stat_user_tables r
			WHERE o.relname = 'orders' AND o.schemaname = 'public' AND r.relname = 'import_runs' AND r.schemaname = 'public'`).
			Scan(&v.ins, &v.upd, &v.hot, &finished); err != nil {
			f.t.Fatal(err)
		}
		if finished >= runs {
			return v
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("the statistics show %d finished imports after 30 s, want %d", finished, runs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestImportWritesNoUnchangedOrder: an order the export states as before
// gets no new row version (no update, HOT or not), whether the import
// skips its row by digest or compares it (after a people import changed
// the directory); an order that changes gets exactly one.
func TestImportWritesNoUnchangedOrder(t *testing.T) {
	f := setup(t)
	base := portfolio(40)
	runs := 0
	imp := func(what string, es []orders.Entry, updated int) {
		t.Helper()
		before := f.orderVersions(runs)
		rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, es...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		runs++
		after := f.orderVersions(runs)
		if rep.Updated != updated || rep.Created != 0 || rep.Unchanged != len(es)-updated {
			t.Errorf("%s: report %+v, want %d updated", what, rep, updated)
		}
		if n := f.count(`SELECT count(*) FROM orders o, import_runs r WHERE r.id = $1 AND o.xmin = r.xmin`, rep.RunID); n != updated {
			t.Errorf("%s: the import wrote %d orders, want %d", what, n, updated)
		}
		if d := after.upd - before.upd; d != updated {
			t.Errorf("%s: n_tup_upd of orders grew by %d (HOT %d), want %d", what, d, after.hot-before.hot, updated)
		}
		if after.ins != before.ins {
			t.Errorf("%s: n_tup_ins of orders grew by %d", what, after.ins-before.ins)
		}
	}
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...); err != nil {
		t.Fatal(err)
	}
	runs++
	imp("the same export again", base, 0)
	// A person the export does not name joins the directory: every row is
	// compared once more, and still no order is written.
	if _, err := f.st.ImportPeople(f.ctx, "people.csv", "x", []orders.Person{
		{Email: "paul.girard@example.fr", Name: "Paul Girard", Role: orders.RoleRep}}, false); err != nil {
		t.Fatal(err)
	}
	runs++ // the people import's run
	imp("after a people import", base, 0)
	imp("the same export a third time", base, 0)
	changed := append([]orders.Entry(nil), base...)
	changed[7].Status = orders.StatusPicking
	imp("one order picking", changed, 1)
}

// TestImportRewritesOnlyTheBlocksThatChanged re-imports a portfolio whose
// blocked orders change their blocks every way an ERP changes them: a
// block stays with a new reason and release (it keeps its start), a block
// is added beside one that stays, a block is lifted, and nothing changes.
func TestImportRewritesOnlyTheBlocksThatChanged(t *testing.T) {
	f := setup(t)
	base := portfolio(40)
	base[1] = entry(base[1].Number, "C001", orders.StatusCreditLimit, orders.StatusCreditLimit)
	base[2] = entry(base[2].Number, "C002", orders.StatusOutOfStock, orders.StatusOutOfStock)
	base[3] = entry(base[3].Number, "C003", orders.StatusDeliveryBlock, orders.StatusDeliveryBlock, orders.StatusCreditLimit)
	base[4] = entry(base[4].Number, "C004", orders.StatusAnomaly, orders.StatusAnomaly)
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, base...); err != nil {
		t.Fatal(err)
	}
	first := f.now
	f.now = f.now.Add(24 * time.Hour)
	next := append([]orders.Entry(nil), base...)
	release := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	next[1].Blocks = []orders.Block{{Kind: orders.StatusCreditLimit, Reason: "encours dépassé de 2 300 €", ExpectedRelease: &release}}
	next[2] = entry(base[2].Number, "C002", orders.StatusOutOfStock, orders.StatusOutOfStock, orders.StatusCreditLimit)
	next[3] = entry(base[3].Number, "C003", orders.StatusDeliveryBlock, orders.StatusDeliveryBlock)
	rep, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, next...)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 3 {
		t.Errorf("report %+v, want 3 orders updated", rep)
	}
	type block struct {
		kind, reason string
		since        time.Time
		release      *time.Time
	}
	blocks := func(number string) map[string]block {
		t.Helper()
		rows, err := f.st.Pool().Query(f.ctx, `SELECT b.kind, b.reason, b.since, b.expected_release
			FROM order_blocks b JOIN orders o ON o.id = b.order_id WHERE o.number = $1`, number)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]block{}
		for rows.Next() {
			var b block
			if err := rows.Scan(&b.kind, &b.reason, &b.since, &b.release); err != nil {
				t.Fatal(err)
			}
			out[b.kind] = b
		}
		return out
	}
	if b := blocks(next[1].Number)["credit_limit"]; b.reason != "encours dépassé de 2 300 €" || b.release == nil ||
		!b.release.Equal(release) || !b.since.Equal(first) {
		t.Errorf("a block with a new reason and release: %+v, want them, since %v", b, first)
	}
	if got := blocks(next[2].Number); len(got) != 2 || !got["out_of_stock"].since.Equal(first) ||
		!got["credit_limit"].since.Equal(f.now) {
		t.Errorf("a block added beside one that stays: %+v", got)
	}
	if got := blocks(next[3].Number); len(got) != 1 || !got["delivery_block"].since.Equal(first) {
		t.Errorf("a block lifted beside one that stays: %+v", got)
	}
	if got := blocks(next[4].Number); len(got) != 1 || got["anomaly"].reason != "raison anomaly" || !got["anomaly"].since.Equal(first) {
		t.Errorf("an unchanged block: %+v", got)
	}
	if n := f.count(`SELECT count(*) FROM order_blocks`); n != 5 {
		t.Errorf("%d blocks in all, want 5", n)
	}
	// The words of each reason, as a question finds them.
	if n := f.count(`SELECT count(*) FROM order_blocks b JOIN orders o ON o.id = b.order_id
		WHERE o.number = $1 AND b.reason_words = ARRAY['encours', 'depasse', 'de', '2', '300']`, next[1].Number); n != 1 {
		t.Errorf("the words of the new reason: %d blocks hold them, want 1", n)
	}
	if n := f.count(`SELECT count(*) FROM order_blocks
		WHERE reason_words IS DISTINCT FROM string_to_array(orderbot_normalize(reason), ' ')`); n != 0 {
		t.Errorf("%d blocks whose words are not their reason's", n)
	}
}

// TestBlockReasonWordsOfEveryWriter: a block written otherwise than by an
// import (the push API, the sample, an operator's SQL) gets the words of
// its reason too, and new words when its reason changes.
func TestBlockReasonWordsOfEveryWriter(t *testing.T) {
	f := setup(t)
	if _, err := f.importOrders(postgres.ImportRequest{Snapshot: true}, portfolio(2)...); err != nil {
		t.Fatal(err)
	}
	db := f.st.Pool()
	if _, err := db.Exec(f.ctx, `INSERT INTO order_blocks (order_id, kind, reason, since)
		SELECT id, 'anomaly', 'Adresse de livraison incomplète', now() FROM orders`); err != nil {
		t.Fatal(err)
	}
	words := func(what string, want ...string) {
		t.Helper()
		rows, err := db.Query(f.ctx, `SELECT array_to_string(reason_words, ' ') FROM order_blocks ORDER BY order_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				t.Fatal(err)
			}
			got = append(got, w)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: words %q, want %q", what, got, want)
		}
	}
	words("inserted without words", "adresse de livraison incomplete", "adresse de livraison incomplete")
	if _, err := db.Exec(f.ctx, `UPDATE order_blocks SET reason = 'Code postal erroné'
		WHERE order_id = (SELECT min(order_id) FROM order_blocks)`); err != nil {
		t.Fatal(err)
	}
	words("a reason changed alone", "code postal errone", "adresse de livraison incomplete")
	if _, err := db.Exec(f.ctx, `UPDATE order_blocks SET expected_release = current_date`); err != nil {
		t.Fatal(err)
	}
	words("another field changed", "code postal errone", "adresse de livraison incomplete")
}
