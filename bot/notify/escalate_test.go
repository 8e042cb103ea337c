package notify_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/orderbot/orderbot/bot/notify"
	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

var workweek = map[time.Weekday]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}

func TestWorkingDaysCutoff(t *testing.T) {
	w := notify.WorkingDays{Days: workweek, Holidays: map[string]bool{"2026-11-30": true}, Loc: paris}
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, paris) }
	dec := func(day, hour int) time.Time { return time.Date(2026, 12, day, hour, 0, 0, 0, paris) }
	for _, c := range []struct {
		now  time.Time
		want time.Time // zero: no cutoff
	}{
		{at(26, 11), at(24, 11)},  // Thursday: Tuesday
		{at(27, 11), at(25, 11)},  // Friday: Wednesday
		{at(28, 11), time.Time{}}, // Saturday: a day off
		{at(30, 11), time.Time{}}, // Monday, a holiday
		{dec(1, 11), at(26, 11)},  // Tuesday: Friday, then Thursday (the weekend and Monday skipped)
		{dec(2, 11), at(27, 11)},  // Wednesday: Tuesday, then Friday
	} {
		got, ok := w.Cutoff(c.now, 2)
		if ok != !c.want.IsZero() || ok && !got.Equal(c.want) {
			t.Errorf("Cutoff(%s) = %s, %v; want %s", c.now.Format("Mon 02/01 15:04"), got, ok, c.want)
		}
	}
}

// withManagers gives the reps of w their managers through the people
// import, and returns the managers: Nadia manages François, Oliver Emma.
func (w *world) withManagers() (nadia, oliver orders.Person) {
	w.t.Helper()
	rep, rep2 := w.rep, w.rep2
	rep.Manager, rep2.Manager = "nadia.benali@example.fr", "oliver@example.fr"
	people := []orders.Person{rep, rep2, w.adv,
		{Email: "nadia.benali@example.fr", Name: "Nadia Benali", Role: orders.RoleManager, SlackUserID: "U0MGR0001", Language: orders.French},
		{Email: "oliver@example.fr", Name: "Oliver Grant", Role: orders.RoleManager, SlackUserID: "U0MGR0002", Language: orders.English}}
	if _, err := w.st.ImportPeople(w.ctx, "people.csv", "x", people, false); err != nil {
		w.t.Fatal(err)
	}
	var err error
	if nadia, err = w.st.PersonByEmail(w.ctx, "nadia.benali@example.fr"); err != nil {
		w.t.Fatal(err)
	}
	if oliver, err = w.st.PersonByEmail(w.ctx, "oliver@example.fr"); err != nil {
		w.t.Fatal(err)
	}
	return nadia, oliver
}

func (w *world) escalator() *notify.Notifier {
	return w.notifier(notify.Options{EscalateAfter: 2,
		Working: notify.WorkingDays{Days: workweek, Holidays: map[string]bool{"2026-11-30": true}, Loc: paris}})
}

func (w *world) escalate(n *notify.Notifier) {
	w.t.Helper()
	if err := n.SendEscalations(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

// TestEscalatedAfterTwoWorkingDaysOnce: orders blocked on Thursday 26
// November nobody claimed are escalated on Tuesday 1 December, after
// Friday and Tuesday (the weekend and Monday's holiday do not count), at
// the time of day they were blocked; once, in one DM per manager listing
// their reps' orders; a claimed order is not, a snoozed one after its
// snooze.
func TestEscalatedAfterTwoWorkingDaysOnce(t *testing.T) {
	w := setup(t)
	nadia, oliver := w.withManagers()
	w.clock.set(time.Date(2026, 11, 26, 10, 0, 0, 0, paris))
	w.order("4500011039", w.rep, true, orders.StatusCreditLimit, 1845000, 0)
	w.order("4500011040", w.rep, true, orders.StatusOutOfStock, 386000, 0)
	w.order("4500011041", w.rep, true, orders.StatusAnomaly, 98000, 0)  // claimed
	w.order("4500011042", w.rep, true, orders.StatusAnomaly, 120000, 0) // snoozed until Wednesday
	w.order("4500011043", w.rep2, false, orders.StatusDeliveryBlock, 50000, 0)
	if _, err := w.st.ClaimAlert(w.ctx, "4500011041", w.adv.ID, w.clock.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.SnoozeAlert(w.ctx, "4500011042", w.adv.ID, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), w.clock.now()); err != nil {
		t.Fatal(err)
	}
	n := w.escalator()
	nadiaDM, oliverDM := w.dm("U0MGR0001"), w.dm("U0MGR0002")
	for _, at := range []time.Time{
		time.Date(2026, 11, 27, 11, 0, 0, 0, paris), // Friday: one working day
		time.Date(2026, 11, 28, 11, 0, 0, 0, paris), // Saturday
		time.Date(2026, 11, 30, 11, 0, 0, 0, paris), // Monday, a holiday
		time.Date(2026, 12, 1, 9, 0, 0, 0, paris),   // Tuesday, before the time of the block
	} {
		w.clock.set(at)
		w.escalate(n)
		if got := len(w.postsTo(nadiaDM)) + len(w.postsTo(oliverDM)); got != 0 {
			t.Fatalf("%s: %d escalations, want none yet", at.Format("Mon 02/01 15:04"), got)
		}
	}
	// Tuesday 11:00, two replicas at once, then again: one DM each.
	w.clock.set(time.Date(2026, 12, 1, 11, 0, 0, 0, paris))
	other := w.escalator()
	var wg sync.WaitGroup
	for _, r := range []*notify.Notifier{n, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.SendEscalations(w.ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	w.escalate(n)
	toNadia, toOliver := w.postsTo(nadiaDM), w.postsTo(oliverDM)
	if len(toNadia) != 1 || len(toOliver) != 1 {
		t.Fatalf("Nadia got %d escalations, Oliver %d; want one each", len(toNadia), len(toOliver))
	}
	text := blocksText(toNadia[0])
	for _, want := range []string{"2 commandes bloquées depuis 2 jours ouvrés ou plus, personne dessus", "4500011039", "4500011040",
		"François Dubœuf"} {
		if !strings.Contains(text, want) {
			t.Errorf("Nadia's escalation lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"4500011041", "4500011042", "4500011043"} {
		if strings.Contains(text, not) {
			t.Errorf("Nadia's escalation lists %s:\n%s", not, text)
		}
	}
	if text := blocksText(toOliver[0]); !strings.Contains(text, "1 order blocked for 2 working days or more, nobody on it") ||
		!strings.Contains(text, "4500011043") {
		t.Errorf("Oliver's escalation:\n%s", text)
	}
	// Wednesday's summary lists the orders nobody is on, escalated or not,
	// snoozed ones aside.
	summaryAt := time.Date(2026, 12, 2, 8, 0, 0, 0, paris)
	sm, err := n.Summary(w.ctx, summaryAt.Add(-24*time.Hour), summaryAt)
	if err != nil || sm.UnclaimedCount != 3 || len(sm.Unclaimed) != 3 || sm.Unclaimed[0].Number != "4500011039" {
		t.Errorf("summary's unclaimed: %d %+v %v", sm.UnclaimedCount, sm.Unclaimed, err)
	}
	if !strings.Contains(sm.Message().Console, "Bloquées depuis 2 jours ouvrés ou plus, personne dessus\u00a0: 3 commandes") {
		t.Errorf("summary:\n%s", sm.Message().Console)
	}
	// Wednesday: nothing new for Oliver; the snooze is over on Thursday.
	w.clock.set(time.Date(2026, 12, 2, 11, 0, 0, 0, paris))
	w.escalate(n)
	w.clock.set(time.Date(2026, 12, 3, 11, 0, 0, 0, paris))
	w.escalate(n)
	toNadia, toOliver = w.postsTo(nadiaDM), w.postsTo(oliverDM)
	if len(toOliver) != 1 || len(toNadia) != 2 {
		t.Fatalf("later: Nadia got %d escalations, Oliver %d; want 2 and 1", len(toNadia), len(toOliver))
	}
	if text := blocksText(toNadia[1]); !strings.Contains(text, "4500011042") || strings.Contains(text, "4500011039") {
		t.Errorf("Nadia's second escalation:\n%s", text)
	}
	acts, err := w.st.AlertActions(w.ctx, "4500011039")
	if err != nil || len(acts) != 1 || acts[0].Action != "escalate" || acts[0].To.ID != nadia.ID {
		t.Errorf("history of 4500011039: %+v %v", acts, err)
	}
	_ = oliver
}

// TestEscalationRunsAsAPeriodicJob: two replicas run the escalation job on
// River; the manager gets one DM.
func TestEscalationRunsAsAPeriodicJob(t *testing.T) {
	w := setup(t)
	w.withManagers()
	w.clock.set(time.Date(2026, 11, 26, 10, 0, 0, 0, paris))
	w.order("4500011039", w.rep, true, orders.StatusCreditLimit, 1845000, 0)
	w.clock.set(time.Date(2026, 12, 1, 11, 0, 0, 0, paris))
	for range 2 {
		workers := river.NewWorkers()
		job := w.escalator().EscalationJob(workers, time.Hour)
		jobs, err := postgres.NewJobs(w.st, postgres.JobsConfig{Workers: workers, PollInterval: 100 * time.Millisecond,
			Periodic: []*river.PeriodicJob{job}})
		if err != nil {
			t.Fatal(err)
		}
		if err := jobs.Start(w.ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	}
	nadia := w.dm("U0MGR0001")
	waitUntil(t, "the escalation posted", func() bool { return len(w.postsTo(nadia)) > 0 })
	waitUntil(t, "the job done", func() bool {
		var n int
		_ = w.st.Pool().QueryRow(w.ctx, `SELECT count(*) FROM river_job WHERE kind = 'alert_escalations' AND state = 'completed'`).Scan(&n)
		return n >= 1
	})
	if got := len(w.postsTo(nadia)); got != 1 {
		t.Errorf("Nadia got %d escalations, want 1", got)
	}
}
