package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

// withManager gives f.rep the manager of e-mail manager, through the
// people import.
func (f *fixture) withManager(manager string) {
	f.t.Helper()
	rep := f.rep
	rep.Manager = manager
	if _, err := f.st.ImportPeople(f.ctx, "people.csv", "x", []orders.Person{rep}, false); err != nil {
		f.t.Fatal(err)
	}
}

func unownedNumbers(us []postgres.Unowned) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Number)
	}
	return out
}

func TestEscalateOncePerBlockToTheRepsManager(t *testing.T) {
	f := setup(t)
	f.withManager("DG@example.fr")
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	old := f.blockedAt("4500011039", &f.asst, orders.StatusCreditLimit, 1845000, monday)
	claimed := f.blockedAt("4500011040", &f.asst, orders.StatusCreditLimit, 900000, monday)
	snoozed := f.blockedAt("4500011041", &f.asst, orders.StatusOutOfStock, 500000, monday)
	recent := f.blockedAt("4500011042", &f.asst, orders.StatusOutOfStock, 700000, monday.Add(48*time.Hour))
	if _, err := f.st.ClaimAlert(f.ctx, claimed, f.asst.ID, monday.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	if _, err := f.st.SnoozeAlert(f.ctx, snoozed, f.asst.ID, day, monday.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	cutoff := monday.Add(24 * time.Hour)
	got, n, err := f.st.Unclaimed(f.ctx, cutoff, day, 10)
	if err != nil || n != 1 || len(got) != 1 || got[0].Number != old || got[0].ManagerID != f.manager.ID || got[0].Rep != "Claire Martin" {
		t.Fatalf("unclaimed %+v %d %v", got, n, err)
	}
	managers, err := f.st.EscalationManagers(f.ctx, cutoff, day)
	if err != nil || len(managers) != 1 || managers[0].ID != f.manager.ID {
		t.Fatalf("managers %+v %v", managers, err)
	}
	// Two replicas claim the manager's day at once: one delivery, the
	// order escalated once.
	key := fmt.Sprintf("escalation:%d:2026-11-26", f.manager.ID)
	var wg sync.WaitGroup
	results := make([][]string, 2)
	releases := make([]func(), 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, release, ok, err := f.st.ClaimDelivery(f.ctx, postgres.Delivery{Kind: "escalation", Key: key, Channel: "U0DG"}, f.now)
			releases[i] = release
			if err != nil || !ok {
				return
			}
			us, err := f.st.Escalate(f.ctx, d, f.manager.ID, cutoff, day, f.now)
			if err != nil {
				t.Error(err)
			}
			results[i] = unownedNumbers(us)
		}()
	}
	wg.Wait()
	for _, release := range releases {
		if release != nil {
			release()
		}
	}
	if len(results[0])+len(results[1]) != 1 {
		t.Errorf("escalations %q", results)
	}
	if f.count(`SELECT count(*) FROM escalations`) != 1 {
		t.Errorf("escalations written %d", f.count(`SELECT count(*) FROM escalations`))
	}
	if acts := actionsOf(t, f, old); len(acts) != 1 || acts[0] != "escalate by orderbot to Directeur" {
		t.Errorf("history %q", acts)
	}
	// Later, the snooze over and the recent block due: only those two;
	// the first block is never escalated again.
	later := day.Add(48 * time.Hour)
	managers, err = f.st.EscalationManagers(f.ctx, later, later)
	if err != nil || len(managers) != 1 {
		t.Fatalf("managers later %+v %v", managers, err)
	}
	d, release, ok, err := f.st.ClaimDelivery(f.ctx, postgres.Delivery{Kind: "escalation", Key: "escalation:x:2026-11-28", Channel: "U0DG"}, f.now)
	if err != nil || !ok {
		t.Fatal(err)
	}
	defer release()
	us, err := f.st.Escalate(f.ctx, d, f.manager.ID, later, later, f.now)
	if got := unownedNumbers(us); err != nil || len(got) != 2 || got[0] != recent || got[1] != snoozed {
		t.Errorf("later escalation %q %v", got, err)
	}
	if managers, err := f.st.EscalationManagers(f.ctx, later, later); err != nil || len(managers) != 0 {
		t.Errorf("nothing left to escalate: %+v %v", managers, err)
	}
}

func TestNoEscalationWithoutAManager(t *testing.T) {
	f := setup(t)
	f.withManager("nobody.yet@example.fr")
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	f.blockedAt("4500011039", &f.asst, orders.StatusCreditLimit, 1845000, monday)
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	managers, err := f.st.EscalationManagers(f.ctx, day, day)
	if err != nil || len(managers) != 0 {
		t.Errorf("managers %+v %v", managers, err)
	}
	// Still listed for the summary, with no manager.
	got, n, err := f.st.Unclaimed(f.ctx, day, day, 10)
	if err != nil || n != 1 || got[0].ManagerID != 0 {
		t.Errorf("unclaimed %+v %d %v", got, n, err)
	}
}
