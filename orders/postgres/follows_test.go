package postgres_test

import (
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// TestFollowsPlannedPerFollowerOncePerImport: an import that releases a
// followed order, moves the promised date of another, invoices a third and
// changes an order nobody follows plans one change per follower and
// followed order (a customer's follower hears of its orders), once however
// often it is planned, and ends the follows of the invoiced order.
func TestFollowsPlannedPerFollowerOncePerImport(t *testing.T) {
	f := setup(t)
	day := func(d int) *time.Time { x := time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC); return &x }
	blocked := entry("4500011039", "C001", orders.StatusCreditLimit, orders.StatusCreditLimit)
	promised := entry("4500011040", "C001", orders.StatusOpen)
	promised.PromisedOn = day(10)
	invoiced := entry("4500011041", "C002", orders.StatusPicking)
	other := entry("4500011042", "C003", orders.StatusOpen)
	if _, err := f.importOrders(postgres.ImportRequest{}, blocked, promised, invoiced, other); err != nil {
		t.Fatal(err)
	}
	order := func(n string) orders.Order {
		o, err := f.st.OrderByNumber(f.ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	o39, o41 := order("4500011039"), order("4500011041")
	for _, fl := range []struct {
		who             orders.Person
		order, customer int64
	}{
		{f.rep, o39.ID, 0},
		{f.rep2, 0, o39.Customer.ID}, // C001: 11039 and 11040
		{f.rep, o41.ID, 0},
		{f.rep2, o41.ID, 0},
	} {
		if ok, err := f.st.Follow(f.ctx, fl.who.ID, fl.order, fl.customer, false); !ok || err != nil {
			t.Fatalf("follow: %v, %v", ok, err)
		}
	}
	if ok, err := f.st.Follow(f.ctx, f.rep.ID, o39.ID, 0, true); ok || err != nil {
		t.Errorf("following twice: new %v, %v", ok, err)
	}

	f.now = f.now.Add(24 * time.Hour)
	released := entry("4500011039", "C001", orders.StatusOpen)
	moved := entry("4500011040", "C001", orders.StatusOpen)
	moved.PromisedOn = day(17)
	done := entry("4500011041", "C002", orders.StatusInvoiced)
	changed := entry("4500011042", "C003", orders.StatusDeliveryBlock, orders.StatusDeliveryBlock)
	rep, err := f.importOrders(postgres.ImportRequest{}, released, moved, done, changed)
	if err != nil {
		t.Fatal(err)
	}
	var people []int64
	if err := f.st.InTx(f.ctx, func(tx *postgres.Store) error {
		people, err = tx.PlanFollows(f.ctx, rep.RunID, false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(people) != 2 || people[0] != f.rep.ID || people[1] != f.rep2.ID {
		t.Fatalf("people to tell: %v, want %d and %d", people, f.rep.ID, f.rep2.ID)
	}
	again, err := f.st.PlanFollows(f.ctx, rep.RunID, false)
	if err != nil || len(again) != 0 {
		t.Errorf("planned again: %v, %v; want nothing", again, err)
	}
	mine, err := f.st.FollowChanges(f.ctx, rep.RunID, f.rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 2 || mine[0].Number != "4500011039" || mine[0].From != orders.StatusCreditLimit || mine[0].To != orders.StatusOpen ||
		mine[0].FromReason != "raison credit_limit" || mine[0].CustomerName != "Client C001" || mine[0].Closed() ||
		mine[1].Number != "4500011041" || !mine[1].Closed() {
		t.Errorf("changes for the rep: %+v", mine)
	}
	theirs, err := f.st.FollowChanges(f.ctx, rep.RunID, f.rep2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs) != 3 || theirs[1].Number != "4500011040" || !theirs[1].PromiseMoved() ||
		!theirs[1].FromPromised.Equal(*day(10)) || !theirs[1].ToPromised.Equal(*day(17)) || theirs[0].PromiseMoved() {
		t.Errorf("changes for the customer's follower: %+v", theirs)
	}
	// The invoiced order is followed no more; the customer still is.
	for _, who := range []orders.Person{f.rep, f.rep2} {
		if ok, err := f.st.FollowsOrder(f.ctx, who.ID, o41.ID); ok || err != nil {
			t.Errorf("%s still follows the invoiced order: %v, %v", who.Name, ok, err)
		}
	}
	list, err := f.st.Follows(f.ctx, f.rep2.ID)
	if err != nil || len(list) != 1 || list[0].CustomerName != "Client C001" || list[0].OrderID != 0 {
		t.Errorf("the customer's follower follows %+v, %v", list, err)
	}
	if n := f.count(`SELECT count(*) FROM follow_changes WHERE order_id = (SELECT id FROM orders WHERE number = '4500011042')`); n != 0 {
		t.Errorf("%d changes planned for an order nobody follows", n)
	}
}

// TestFollowAnswersOnlyOfFollowedOrders: an answer is remembered for an
// order its reader follows, one per channel, the latest.
func TestFollowAnswersOnlyOfFollowedOrders(t *testing.T) {
	f := setup(t)
	a := f.order("4500011039", f.dupre, orders.StatusCreditLimit, 1000, orders.StatusCreditLimit)
	b := f.order("4500011040", f.muller, orders.StatusOpen, 1000)
	if _, err := f.st.Follow(f.ctx, f.rep.ID, a.OrderID, 0, false); err != nil {
		t.Fatal(err)
	}
	for _, ts := range []string{"1700000000.000100", "1700000100.000200"} {
		if ok, err := f.st.RememberAnswer(f.ctx, f.rep.SlackUserID, a.OrderID, "D0REP01", ts, orders.French); !ok || err != nil {
			t.Fatalf("remember: %v, %v", ok, err)
		}
	}
	if ok, err := f.st.RememberAnswer(f.ctx, f.rep.SlackUserID, b.OrderID, "D0REP01", "1700000200.000300", orders.French); ok || err != nil {
		t.Fatalf("an answer about an order not followed remembered: %v, %v", ok, err)
	}
	got, err := f.st.FollowAnswers(f.ctx, f.rep.ID, []int64{a.OrderID, b.OrderID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].OrderID != a.OrderID || got[0].TS != "1700000100.000200" || got[0].Channel != "D0REP01" {
		t.Errorf("answers remembered: %+v, want the latest about the followed order", got)
	}
	if ok, err := f.st.Unfollow(f.ctx, f.rep.ID, a.OrderID, 0); !ok || err != nil {
		t.Errorf("unfollow: %v, %v", ok, err)
	}
	if ok, err := f.st.Unfollow(f.ctx, f.rep.ID, a.OrderID, 0); ok || err != nil {
		t.Errorf("unfollow twice: %v, %v", ok, err)
	}
}

// TestFollowsUnderOwnAccessTellOnlyWhatTheFollowerMaySee: under own
// access, a rep who follows a customer (or an order since given to
// another rep) hears nothing of the orders that are not theirs, while the
// order's own rep hears of them.
func TestFollowsUnderOwnAccessTellOnlyWhatTheFollowerMaySee(t *testing.T) {
	f := setup(t)
	if _, err := f.importOrders(postgres.ImportRequest{},
		entry("4500011039", "C001", orders.StatusCreditLimit, orders.StatusCreditLimit)); err != nil {
		t.Fatal(err)
	}
	o39, err := f.st.OrderByNumber(f.ctx, "4500011039") // Claire's
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range []struct {
		who             orders.Person
		order, customer int64
	}{{f.rep, o39.ID, 0}, {f.rep2, 0, o39.Customer.ID}, {f.rep2, o39.ID, 0}} {
		if _, err := f.st.Follow(f.ctx, fl.who.ID, fl.order, fl.customer, false); err != nil {
			t.Fatal(err)
		}
	}
	f.now = f.now.Add(24 * time.Hour)
	rep, err := f.importOrders(postgres.ImportRequest{}, entry("4500011039", "C001", orders.StatusOpen))
	if err != nil {
		t.Fatal(err)
	}
	people, err := f.st.PlanFollows(f.ctx, rep.RunID, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 1 || people[0] != f.rep.ID {
		t.Errorf("people told under own access: %v, want only Claire (%d), whose order it is", people, f.rep.ID)
	}
	if theirs, err := f.st.FollowChanges(f.ctx, rep.RunID, f.rep2.ID); err != nil || len(theirs) != 0 {
		t.Errorf("John hears of Claire's order: %+v, %v", theirs, err)
	}
}
