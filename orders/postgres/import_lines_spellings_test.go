package postgres_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// withReadErr is a source of rows that ends with the bad rows of readErr
// rather than io.EOF, however often it is read.
func withReadErr(rows []postgres.LineRow, readErr error) postgres.LineSource {
	feed := func() func() (postgres.LineRow, error) {
		i := 0
		return func() (postgres.LineRow, error) {
			if i == len(rows) {
				if readErr == nil {
					return postgres.LineRow{}, io.EOF
				}
				return postgres.LineRow{}, readErr
			}
			i++
			return rows[i-1], nil
		}
	}
	return postgres.LineSource{Next: feed(), Reopen: func() (func() (postgres.LineRow, error), error) { return feed(), nil }}
}

// A file with a bad row and a line given twice by an order whose lines are
// apart lists both problems, as it did when the lines given twice were
// always looked for in the database.
func TestImportLinesReportsALineTwiceOfAnOrderApartBesideBadRows(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	f.order("4500012346", f.muller, orders.StatusOpen, 5000)
	first := frenchLines()
	known := []postgres.LineRow{first[0], first[1], first[3]}
	if _, err := f.importLines(postgres.ImportRequest{}, known); err != nil {
		t.Fatal(err)
	}
	// Every order named has a digest; 4500012345's line 1 comes again
	// after 4500012346's line, and row 10 is bad.
	// 4500012345's line 2 changed, so that its first lines are staged.
	changed := first[1]
	changed.Line.Available = 5
	again := first[0]
	again.Row = 9
	rows := []postgres.LineRow{first[0], changed, first[3], again}
	readErr := &orders.InputErrors{Problems: []orders.InputProblem{{Line: 10, Text: `lignes.csv:10: column "Qté": "x" is not a number`}}}
	_, err := f.st.ImportLines(f.ctx, postgres.ImportRequest{Source: "lignes.csv", Profile: "sage_lignes"}, withReadErr(rows, readErr))
	var bad *orders.InputErrors
	if !errors.As(err, &bad) {
		t.Fatalf("err = %v", err)
	}
	var texts []string
	for _, p := range bad.Problems {
		texts = append(texts, p.Text)
	}
	if len(bad.Problems) != 2 || bad.Problems[0].Text != "lignes.csv:9: line 1 of order 4500012345 is given twice (first at line 2)" {
		t.Errorf("problems = %q", texts)
	}
}

// An order whose lines come under two spellings of its number, one of
// which the digests know, keeps every line the export gives it.
func TestImportLinesOfAnOrderUnderTwoSpellings(t *testing.T) {
	f := setup(t)
	f.order("SO-001234", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	rows := []postgres.LineRow{
		{Row: 2, Order: "SO1234", Line: orders.Line{Number: 1, Item: "A", Quantity: 1}},
		{Row: 3, Order: "SO1234", Line: orders.Line{Number: 2, Item: "B", Quantity: 2}},
	}
	if _, err := f.importLines(postgres.ImportRequest{}, rows); err != nil {
		t.Fatal(err)
	}
	rows = append(rows, postgres.LineRow{Row: 4, Order: "SO-001234", Line: orders.Line{Number: 3, Item: "C", Quantity: 3}})
	rep, err := f.importLines(postgres.ImportRequest{}, rows)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := f.st.OrderByNumber(f.ctx, "SO-001234"); len(o.Lines) != 3 || rep.Orders != 1 || rep.Created != 1 || rep.Unchanged != 2 || rep.Removed != 0 {
		t.Errorf("lines of SO-001234 = %+v (report %+v)", o.Lines, rep)
	}
	// The same export again changes nothing.
	rep, err = f.importLines(postgres.ImportRequest{}, rows)
	if o, _ := f.st.OrderByNumber(f.ctx, "SO-001234"); err != nil || len(o.Lines) != 3 || rep.Created+rep.Updated+rep.Removed != 0 {
		t.Errorf("again: lines of SO-001234 = %+v (report %+v) %v", o.Lines, rep, err)
	}
}

// A line given under both spellings of its order's number is given twice.
func TestImportLinesOfAnOrderUnderTwoSpellingsGivenTwice(t *testing.T) {
	f := setup(t)
	f.order("SO-001234", f.dupre, orders.StatusOutOfStock, 100000, orders.StatusOutOfStock)
	rows := []postgres.LineRow{
		{Row: 2, Order: "SO1234", Line: orders.Line{Number: 1, Item: "A", Quantity: 1}},
		{Row: 3, Order: "SO1234", Line: orders.Line{Number: 2, Item: "B", Quantity: 2}},
	}
	if _, err := f.importLines(postgres.ImportRequest{}, rows); err != nil {
		t.Fatal(err)
	}
	rows = append(rows, postgres.LineRow{Row: 4, Order: "SO-001234", Line: orders.Line{Number: 2, Item: "C", Quantity: 3}})
	_, err := f.importLines(postgres.ImportRequest{}, rows)
	var bad *orders.InputErrors
	if !errors.As(err, &bad) || len(bad.Problems) != 1 || !strings.Contains(bad.Problems[0].Text, "is given twice") {
		t.Errorf("line 2 under two spellings: %v", err)
	}
}
