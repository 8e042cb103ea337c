package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func TestOrderByNumberToleratesHowPeopleTypeIt(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusCreditLimit, 1825000, orders.StatusCreditLimit, orders.StatusDeliveryBlock)
	f.order("SO-001234", f.muller, orders.StatusOpen, 5000)
	f.order("0004500099", f.muller, orders.StatusPicking, 7000)

	cases := []struct{ typed, want string }{
		{"4500012345", "4500012345"},
		{"  4500012345 ", "4500012345"},
		{"#4500012345", "4500012345"},
		{"n°4500012345", "4500012345"},
		{"N° 4500012345", "4500012345"},
		{"nº4500012345", "4500012345"},
		{"no. 4500012345", "4500012345"},
		{"4 500 012 345", "4500012345"},
		{"SO-001234", "SO-001234"},
		{"so-001234", "SO-001234"},
		{"SO1234", "SO-001234"},
		{"so 1234", "SO-001234"},
		{"#so-1234", "SO-001234"},
		{"4500099", "0004500099"},
		{"0004500099", "0004500099"},
	}
	for _, c := range cases {
		o, err := f.st.OrderByNumber(f.ctx, c.typed)
		if err != nil {
			t.Errorf("OrderByNumber(%q): %v", c.typed, err)
			continue
		}
		if o.Number != c.want {
			t.Errorf("OrderByNumber(%q) = %s, want %s", c.typed, o.Number, c.want)
		}
	}

	o, err := f.st.OrderByNumber(f.ctx, "4500012345")
	if err != nil {
		t.Fatal(err)
	}
	if o.Customer.Name != "Boulangerie Dupré & Fils" || o.Customer.Code != "C001234" {
		t.Errorf("customer = %+v", o.Customer)
	}
	if o.Rep == nil || o.Rep.Name != "Claire Martin" || o.Rep.SlackUserID != "U0REP01" || o.Rep.Role != orders.RoleRep {
		t.Errorf("rep = %+v", o.Rep)
	}
	if o.Assistant == nil || o.Assistant.Name != "Hélène Lefèvre" {
		t.Errorf("assistant = %+v", o.Assistant)
	}
	if o.AmountCents != 1825000 || o.Currency != "EUR" {
		t.Errorf("amount = %d %s", o.AmountCents, o.Currency)
	}
	if len(o.Blocks) != 2 || o.Blocks[0].Kind != orders.StatusDeliveryBlock || o.Blocks[1].Kind != orders.StatusCreditLimit {
		t.Errorf("blocks = %+v, want delivery_block then credit_limit (oldest first)", o.Blocks)
	}
	if !o.Blocks[0].Since.Equal(f.now.Add(-2 * time.Hour)) {
		t.Errorf("block since = %v", o.Blocks[0].Since)
	}
}

func TestOrderByNumberMissingOrInvalid(t *testing.T) {
	f := setup(t)
	f.order("4500012345", f.dupre, orders.StatusOpen, 100)
	_, err := f.st.OrderByNumber(f.ctx, "4500012346")
	wantCode(t, err, orders.ENotFound)
	_, err = f.st.OrderByNumber(f.ctx, " # ")
	wantCode(t, err, orders.EInvalid)
}

func TestOrderLinesAndDatesRoundTrip(t *testing.T) {
	f := setup(t)
	restock := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	requested := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	o := orders.Order{Number: "4500000001", Customer: f.dupre, Status: orders.StatusOutOfStock, Currency: "CHF",
		AmountCents: -1234, CustomerRef: "PO-7781", RequestedOn: &requested, ExpectedRelease: &restock,
		BlockReason: "SKU 4711 manquant", Rep: &f.rep,
		Blocks: []orders.Block{{Kind: orders.StatusOutOfStock, Reason: "SKU 4711 manquant", ExpectedRelease: &restock}},
		Lines: []orders.Line{{Number: 1, Item: "4711", Description: "Farine T65", Quantity: 40, Available: 12.5, RestockOn: &restock},
			{Number: 2, Item: "0815", Description: "Levure", Quantity: 3, Shipped: 3, Carrier: "DHL", Tracking: "JD0146"}}}
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.st.OrderByNumber(f.ctx, "4500000001")
	if err != nil {
		t.Fatal(err)
	}
	if got.Assistant != nil {
		t.Errorf("assistant = %+v, want none", got.Assistant)
	}
	if got.AmountCents != -1234 || got.Currency != "CHF" || got.BlockReason != "SKU 4711 manquant" || got.CustomerRef != "PO-7781" {
		t.Errorf("order = %+v", got)
	}
	if got.RequestedOn == nil || !got.RequestedOn.Equal(requested) || got.ExpectedRelease == nil || !got.ExpectedRelease.Equal(restock) {
		t.Errorf("dates = %v %v", got.RequestedOn, got.ExpectedRelease)
	}
	if len(got.Lines) != 2 || got.Lines[0].Available != 12.5 || got.Lines[1].Tracking != "JD0146" || got.Lines[0].RestockOn == nil || got.Lines[1].RestockOn != nil {
		t.Errorf("lines = %+v", got.Lines)
	}
	if len(got.Blocks) != 1 || got.Blocks[0].ExpectedRelease == nil || !got.Blocks[0].Since.Equal(f.now) {
		t.Errorf("blocks = %+v", got.Blocks)
	}
}

func TestOrdersByCustomerRef(t *testing.T) {
	f := setup(t)
	other := f.customer("C000777", "Carrefour Market Lyon 3")
	f.order("4500000001", f.dupre, orders.StatusOpen, 100)
	f.order("4500000002", other, orders.StatusOpen, 100)
	for _, n := range []string{"4500000001", "4500000002"} {
		o, err := f.st.OrderByNumber(f.ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		o.CustomerRef = "PO-7781"
		o.Rep, o.Assistant = nil, nil
		if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now, Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, typed := range []string{"PO-7781", "po 7781", "PO7781", "po-07781"} {
		got, err := f.st.OrdersByCustomerRef(f.ctx, typed, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Errorf("OrdersByCustomerRef(%q) = %d orders, want 2", typed, len(got))
		}
	}
	got, err := f.st.OrdersByCustomerRef(f.ctx, "PO-7782", 10)
	if err != nil || len(got) != 0 {
		t.Errorf("unknown reference: %d orders, %v", len(got), err)
	}
}
