package postgres_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// frenchLines is a line export of orders 4500012345 (two lines, the first
// short) and 4500012346, with a line of order 4400000001, invoiced long ago.
func frenchLines() []postgres.LineRow {
	restock := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	return []postgres.LineRow{
		{Row: 2, Order: "4500012345", Line: orders.Line{Number: 1, Item: "CHAI-24", Description: "Chai 24 × 500 g", Quantity: 12, RestockOn: &restock}},
		{Row: 3, Order: "4500012345", Line: orders.Line{Number: 2, Item: "1234", Description: "Café moulu 1 kg", Quantity: 40, Available: 12.5}},
		{Row: 4, Order: "4400000001", Line: orders.Line{Number: 1, Item: "4711", Description: "Farine T65", Quantity: 8}},
		{Row: 5, Order: "4500012346", Line: orders.Line{Number: 10, Item: "4711", Description: "Farine T65", Quantity: 8, Shipped: 8, Carrier: "DHL", Tracking: "JD014600006281"}},
	}
}

func (f *fixture) importLines(req postgres.ImportRequest, rows []postgres.LineRow) (postgres.LinesReport, error) {
	f.t.Helper()
	if req.Source == "" {
		req.Source, req.Profile, req.RefuseOlder = "lignes.csv", "sage_lignes", true
	}
	return f.st.ImportLines(f.ctx, req, postgres.Lines(rows))
}

func TestImportLinesReplacesTheLinesOfTheOrdersNamed(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	f.order("4500012347", f.muller, orders.StatusOpen, 5000)
	// Lines from before: order 4500012345's line 3 is gone from the ERP,
	// and 4500012347, absent from the export, keeps its line.
	for _, o := range []struct {
		number string
		line   orders.Line
	}{{"4500012345", orders.Line{Number: 3, Item: "9", Description: "Thé vert", Quantity: 1}},
		{"4500012347", orders.Line{Number: 1, Item: "9", Description: "Thé vert", Quantity: 2}}} {
		if _, err := f.st.Pool().Exec(f.ctx, `INSERT INTO order_lines (order_id, line_no, item, description, quantity)
			SELECT id, $2, $3, $4, $5 FROM orders WHERE number = $1`, o.number, o.line.Number, o.line.Item, o.line.Description, o.line.Quantity); err != nil {
			t.Fatal(err)
		}
	}
	asOf := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	rep, err := f.importLines(postgres.ImportRequest{Source: "lignes.csv", Profile: "sage_lignes", AsOf: asOf, RefuseOlder: true}, frenchLines())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 4 || rep.Orders != 2 || rep.Created != 3 || rep.Updated != 0 || rep.Unchanged != 0 || rep.Removed != 1 ||
		rep.Skipped != 1 || len(rep.SkippedOrders) != 1 || rep.SkippedOrders[0] != "4400000001" {
		t.Errorf("report = %+v", rep)
	}
	o, err := f.st.OrderByNumber(f.ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Lines) != 2 || o.Lines[0].Item != "CHAI-24" || o.Lines[0].Missing() != 12 || o.Lines[0].RestockOn == nil ||
		!o.Lines[0].RestockOn.Equal(time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)) || o.Lines[1].Available != 12.5 {
		t.Errorf("lines of 4500012345 = %+v", o.Lines)
	}
	o, _ = f.st.OrderByNumber(f.ctx, "4500012346")
	if len(o.Lines) != 1 || o.Lines[0].Tracking != "JD014600006281" || o.Lines[0].Carrier != "DHL" || o.Lines[0].Shipped != 8 {
		t.Errorf("lines of 4500012346 = %+v", o.Lines)
	}
	o, _ = f.st.OrderByNumber(f.ctx, "4500012347")
	if len(o.Lines) != 1 || o.Lines[0].Quantity != 2 {
		t.Errorf("an order the export does not name lost its lines: %+v", o.Lines)
	}
	if n := f.count(`SELECT count(*) FROM import_runs WHERE id = $1 AND kind = 'lines' AND finished_at IS NOT NULL
		AND rows_read = 4 AND created = 3 AND removed = 1 AND skipped = 1 AND as_of = $2`, rep.RunID, asOf); n != 1 {
		t.Errorf("the run is not recorded as it went")
	}
}

func TestImportLinesTwiceChangesNothing(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	if _, err := f.importLines(postgres.ImportRequest{}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var s string
		if err := f.st.Pool().QueryRow(f.ctx, `SELECT coalesce(string_agg(ctid::text || ':' || l::text, '|' ORDER BY order_id, line_no), '')
			FROM order_lines l`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	rep, err := f.importLines(postgres.ImportRequest{}, frenchLines())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 0 || rep.Updated != 0 || rep.Removed != 0 || rep.Unchanged != 3 || rep.Skipped != 1 {
		t.Errorf("second import = %+v", rep)
	}
	// Not one row rewritten (a rewritten row moves: its ctid changes).
	if after := snapshot(); after != before {
		t.Errorf("lines rewritten:\n%s\n%s", before, after)
	}
	if n := f.count(`SELECT count(*) FROM line_history`); n != 0 {
		t.Errorf("%d history rows", n)
	}
}

func TestImportLinesRecordsRestockAndAvailabilityChanges(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	if _, err := f.importLines(postgres.ImportRequest{}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	rows := frenchLines()
	later := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC)
	rows[0].Line.RestockOn = &later
	rows[1].Line.Available = 40
	rows[3].Line.Description = "Farine T65 sac 25 kg" // not a change the history keeps
	rep, err := f.importLines(postgres.ImportRequest{}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 3 || rep.Unchanged != 0 {
		t.Errorf("report = %+v", rep)
	}
	type change struct {
		Line              int
		Item, Source      string
		AvailBefore, Avai float64
		RestockBefore     *time.Time
		Restock           *time.Time
		ImportID          int64
	}
	got, err := f.st.Pool().Query(f.ctx, `SELECT line_no, item, source, available_before, available, restock_on_before, restock_on, import_id
		FROM line_history ORDER BY line_no`)
	if err != nil {
		t.Fatal(err)
	}
	var changes []change
	for got.Next() {
		var c change
		if err := got.Scan(&c.Line, &c.Item, &c.Source, &c.AvailBefore, &c.Avai, &c.RestockBefore, &c.Restock, &c.ImportID); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, c)
	}
	if len(changes) != 2 {
		t.Fatalf("history = %+v", changes)
	}
	if c := changes[0]; c.Item != "CHAI-24" || c.RestockBefore == nil || c.RestockBefore.Day() != 14 || c.Restock == nil || c.Restock.Day() != 21 ||
		c.Source != "import:sage_lignes" || c.ImportID != rep.RunID {
		t.Errorf("restock change = %+v", c)
	}
	if c := changes[1]; c.Item != "1234" || c.AvailBefore != 12.5 || c.Avai != 40 {
		t.Errorf("availability change = %+v", c)
	}
}

func TestImportLinesRefusesBadInputAndOlderExports(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	rows := frenchLines()
	rows = append(rows, postgres.LineRow{Row: 9, Order: "4500012345", Line: orders.Line{Number: 2, Item: "1234", Quantity: 1}})
	_, err := f.importLines(postgres.ImportRequest{}, rows)
	var bad *orders.InputErrors
	if !errors.As(err, &bad) || len(bad.Problems) != 1 || bad.Problems[0].Text != "lignes.csv:9: line 2 of order 4500012345 is given twice (first at line 3)" {
		t.Fatalf("a line twice: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM order_lines`); n != 0 {
		t.Errorf("%d lines written by a refused import", n)
	}

	// A bad row the reader found aborts the import.
	readErr := &orders.InputErrors{Problems: []orders.InputProblem{{Line: 3, Text: `lignes.csv:3: column "Qté commandée": "12,4,5" is not a number`}}}
	i := 0
	_, err = f.st.ImportLines(f.ctx, postgres.ImportRequest{Source: "lignes.csv", Profile: "sage_lignes"}, postgres.LineSource{Next: func() (postgres.LineRow, error) {
		if i++; i == 1 {
			return frenchLines()[0], nil
		}
		return postgres.LineRow{}, readErr
	}})
	if !errors.As(err, &bad) || len(bad.Problems) != 1 || !strings.Contains(bad.Problems[0].Text, "lignes.csv:3") {
		t.Fatalf("bad row: %v", err)
	}

	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	if _, err := f.importLines(postgres.ImportRequest{Source: "lignes.csv", Profile: "sage_lignes", AsOf: now, RefuseOlder: true}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	older := postgres.ImportRequest{Source: "vieux.csv", Profile: "sage_lignes", AsOf: now.Add(-time.Hour), RefuseOlder: true}
	if _, err := f.importLines(older, frenchLines()[:1]); err == nil || !strings.Contains(err.Error(), "before the last import of profile sage_lignes") {
		t.Errorf("older export: %v", err)
	}
	older.Force = true
	rep, err := f.importLines(older, frenchLines()[:1])
	if err != nil || len(rep.Forced) != 1 || rep.Forced[0] != "older" || rep.Removed != 1 {
		t.Errorf("forced older export: %+v %v", rep, err)
	}
}

func TestImportLinesRefusesALineTwiceOfAnOrderWithItsDigest(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	if _, err := f.importLines(postgres.ImportRequest{}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	// 4500012345's lines, whose digest the first import kept, now give
	// its line 2 twice, one after the other; every order named has a
	// digest.
	first := frenchLines()
	rows := append([]postgres.LineRow{}, first[:2]...)
	rows = append(rows, postgres.LineRow{Row: 9, Order: "4500012345", Line: orders.Line{Number: 2, Item: "1234", Quantity: 1}}, first[3])
	_, err := f.importLines(postgres.ImportRequest{}, rows)
	var bad *orders.InputErrors
	if !errors.As(err, &bad) || len(bad.Problems) != 1 || bad.Problems[0].Text != "lignes.csv:9: line 2 of order 4500012345 is given twice (first at line 3)" {
		t.Fatalf("a line twice: %v", err)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, "4500012345"); len(o.Lines) != 2 || o.Lines[1].Quantity != 40 {
		t.Errorf("lines of 4500012345 after a refused import = %+v", o.Lines)
	}
}

func TestImportLinesKeepsTextAsGivenAndRoundsQuantitiesAsACastWould(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	rows := []postgres.LineRow{{Row: 2, Order: "4500012345", Line: orders.Line{Number: 1, Item: `CHAI\24`,
		Description: "Chai\t24 × 500 g\n\\ carton\r", Quantity: 12.3456, Available: 2.0005, Shipped: 0.1 + 0.2, Tracking: "\\N"}}}
	if _, err := f.importLines(postgres.ImportRequest{}, rows); err != nil {
		t.Fatal(err)
	}
	var item, description, tracking string
	var same bool
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT item, description, tracking,
			(quantity, available, shipped) = ($1::float8::numeric(15, 3), $2::float8::numeric(15, 3), $3::float8::numeric(15, 3))
		FROM order_lines`, rows[0].Line.Quantity, rows[0].Line.Available, rows[0].Line.Shipped).Scan(&item, &description, &tracking, &same); err != nil {
		t.Fatal(err)
	}
	if l := rows[0].Line; item != l.Item || description != l.Description || tracking != l.Tracking || !same {
		t.Errorf("stored %q %q %q, quantities as a cast: %v", item, description, tracking, same)
	}
	// Read once, the same line is compared with the stored one: equal.
	if rep, err := f.st.ImportLines(f.ctx, postgres.ImportRequest{Source: "api", Profile: "api"}, postgres.LineSource{Next: postgres.Lines(rows).Next}); err != nil ||
		rep.Unchanged != 1 || rep.Updated != 0 {
		t.Errorf("again: %+v %v", rep, err)
	}
}

func TestImportLinesDryRunWritesNothing(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	rep, err := f.importLines(postgres.ImportRequest{Source: "lignes.csv", Profile: "sage_lignes", DryRun: true}, frenchLines())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2 || rep.Skipped != 2 {
		t.Errorf("dry report = %+v", rep)
	}
	if n := f.count(`SELECT (SELECT count(*) FROM order_lines) + (SELECT count(*) FROM import_runs)`); n != 0 {
		t.Errorf("a dry run wrote %d rows", n)
	}
}

func TestImportLinesOfAnOrderApartInTheExport(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	if _, err := f.importLines(postgres.ImportRequest{}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	// The same lines, 4500012345's second line last: its first line is
	// skipped as unchanged before the file shows its lines are apart.
	rows := frenchLines()
	rows[1], rows[3] = rows[3], rows[1]
	rep, err := f.importLines(postgres.ImportRequest{}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 3 || rep.Created+rep.Updated+rep.Removed != 0 || rep.Orders != 2 || rep.Skipped != 1 {
		t.Errorf("lines apart, unchanged: %+v", rep)
	}
	o, _ := f.st.OrderByNumber(f.ctx, "4500012345")
	if len(o.Lines) != 2 {
		t.Errorf("lines of 4500012345 = %+v", o.Lines)
	}
	// Apart and changed: its first line changed, its second not.
	rows[0].Line.Available = 5
	rep, err = f.importLines(postgres.ImportRequest{}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Unchanged != 2 || rep.Removed != 0 {
		t.Errorf("lines apart, one changed: %+v", rep)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, "4500012345"); len(o.Lines) != 2 || o.Lines[0].Available != 5 {
		t.Errorf("lines of 4500012345 = %+v", o.Lines)
	}
}

func TestImportLinesAfterAnotherChangeOfTheLines(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	if _, err := f.importLines(postgres.ImportRequest{}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	// A save of the order gives it other lines: the next import of the
	// same export must put the export's back, not take them as unchanged.
	o, err := f.st.OrderByNumber(f.ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	o.Lines = o.Lines[:1]
	o.Lines[0].Available = 12
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.importLines(postgres.ImportRequest{}, frenchLines())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || rep.Updated != 1 {
		t.Errorf("report = %+v", rep)
	}
	o, _ = f.st.OrderByNumber(f.ctx, "4500012345")
	if len(o.Lines) != 2 || o.Lines[0].Available != 0 {
		t.Errorf("lines = %+v", o.Lines)
	}
}

func TestImportLinesAfterAPush(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	if _, err := f.importLines(postgres.ImportRequest{}, frenchLines()); err != nil {
		t.Fatal(err)
	}
	// A push (read once) changes the chai line; the next import of the
	// same export puts the export's line back.
	pushed := frenchLines()[:2]
	pushed[0].Line.Available = 12
	if _, err := f.st.ImportLines(f.ctx, postgres.ImportRequest{Source: "api", Profile: "api"}, postgres.LineSource{Next: postgres.Lines(pushed).Next}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.importLines(postgres.ImportRequest{}, frenchLines())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Unchanged != 1 {
		t.Errorf("report = %+v", rep)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, "4500012345"); len(o.Lines) != 2 || o.Lines[0].Available != 0 {
		t.Errorf("lines = %+v", o.Lines)
	}
}

func TestImportLinesOfAnOrderNumberWrittenAnotherWay(t *testing.T) {
	f := setup(t)
	f.order("SO-001234", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	// The line export pads the number otherwise than the orders export.
	rows := []postgres.LineRow{{Row: 2, Order: "SO1234", Line: orders.Line{Number: 1, Item: "CHAI-24", Quantity: 12}}}
	rep, err := f.importLines(postgres.ImportRequest{}, rows)
	if err != nil || rep.Created != 1 || rep.Skipped != 0 {
		t.Fatalf("SO1234: %+v %v", rep, err)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, "SO-001234"); len(o.Lines) != 1 || o.Lines[0].Item != "CHAI-24" {
		t.Errorf("lines of SO-001234 = %+v", o.Lines)
	}
	// The same export again changes nothing.
	if rep, err := f.importLines(postgres.ImportRequest{}, rows); err != nil || rep.Unchanged != 1 || rep.Created+rep.Updated+rep.Removed != 0 {
		t.Errorf("SO1234 again: %+v %v", rep, err)
	}
}

func TestImportLinesOfAnOrderApartInAFirstImport(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	// 4500012345's second line last, in the first import of its lines:
	// both its lines are written, and no digest is kept of either half.
	rows := frenchLines()
	rows[1], rows[3] = rows[3], rows[1]
	rep, err := f.importLines(postgres.ImportRequest{}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 3 || rep.Orders != 2 {
		t.Errorf("first import: %+v", rep)
	}
	// Its second line changes: the next import of the export sees it.
	rows[3].Line.Available = 40
	rep, err = f.importLines(postgres.ImportRequest{}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Unchanged != 2 || rep.Created+rep.Removed != 0 {
		t.Errorf("second line changed: %+v", rep)
	}
	o, _ := f.st.OrderByNumber(f.ctx, "4500012345")
	if len(o.Lines) != 2 || o.Lines[1].Available != 40 {
		t.Errorf("lines of 4500012345 = %+v", o.Lines)
	}
	// The same export again changes nothing.
	if rep, err := f.importLines(postgres.ImportRequest{}, rows); err != nil || rep.Unchanged != 3 || rep.Created+rep.Updated+rep.Removed != 0 {
		t.Errorf("again: %+v %v", rep, err)
	}
	var digests int
	if err := f.st.Pool().QueryRow(f.ctx, `SELECT count(*) FROM line_digests d JOIN orders o ON o.id = d.order_id
		WHERE o.number = '4500012345'`).Scan(&digests); err != nil || digests != 0 {
		t.Errorf("digests of 4500012345: %d %v", digests, err)
	}
}
