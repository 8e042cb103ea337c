package postgres_test

import (
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/postgres"
)

func TestAskReleaseOneOpenPerOrderAndBlock(t *testing.T) {
	f := setup(t)
	n := f.blockedAt("4500011039", &f.asst, orders.StatusCreditLimit, 1845000, f.now.Add(-72*time.Hour))
	ask := postgres.NewReleaseRequest{Number: n, Block: orders.StatusCreditLimit, RequesterID: f.rep.ID,
		Reason: "client a réglé ce matin", Channel: "C0CREDIT01", At: f.now}
	// Ten clicks at once, on as many replicas: one request, one posting.
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids, thens := map[int64]bool{}, 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, created, err := f.st.AskRelease(f.ctx, ask, func(*postgres.Store, postgres.ReleaseRequest) error {
				mu.Lock()
				thens++
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids[r.ID] = true
			_ = created
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(ids) != 1 || thens != 1 {
		t.Fatalf("10 asks made requests %v and ran then %d times, want one", ids, thens)
	}
	rs, err := f.st.ReleaseRequests(f.ctx, postgres.ReleaseFilter{RequesterID: f.rep.ID})
	if err != nil || len(rs) != 1 {
		t.Fatalf("requests %+v, %v", rs, err)
	}
	r := rs[0]
	if r.Number != n || r.Block != orders.StatusCreditLimit || r.Requester.Name != "Claire Martin" || r.Reason != "client a réglé ce matin" ||
		r.State != postgres.ReleaseOpen || !r.BlockSince.Equal(f.now.Add(-72*time.Hour)) {
		t.Errorf("request %+v", r)
	}
	// Once decided, a new request may be made for the same block.
	if _, _, err := f.st.DecideRelease(f.ctx, r.ID, f.manager.ID, false, "pas de règlement reçu", f.now, nil); err != nil {
		t.Fatal(err)
	}
	again, created, err := f.st.AskRelease(f.ctx, ask, nil)
	if err != nil || !created || again.ID == r.ID {
		t.Errorf("asking after a decline: %+v %v %v", again, created, err)
	}
}

func TestAskReleaseNeedsTheBlock(t *testing.T) {
	f := setup(t)
	n := f.blockedAt("4500011040", &f.asst, orders.StatusCreditLimit, 1845000, f.now)
	_, _, err := f.st.AskRelease(f.ctx, postgres.NewReleaseRequest{Number: n, Block: orders.StatusDeliveryBlock,
		RequesterID: f.rep.ID, Channel: "C0LOGIST01", At: f.now}, nil)
	wantCode(t, err, orders.EInvalid)
	_, _, err = f.st.AskRelease(f.ctx, postgres.NewReleaseRequest{Number: "4500099999", Block: orders.StatusCreditLimit,
		RequesterID: f.rep.ID, Channel: "C0CREDIT01", At: f.now}, nil)
	wantCode(t, err, orders.ENotFound)
}

func TestDecideReleaseOnce(t *testing.T) {
	f := setup(t)
	n := f.blockedAt("4500011041", &f.asst, orders.StatusCreditLimit, 1845000, f.now)
	r, _, err := f.st.AskRelease(f.ctx, postgres.NewReleaseRequest{Number: n, Block: orders.StatusCreditLimit,
		RequesterID: f.asst.ID, Channel: "C0CREDIT01", At: f.now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := f.now.Add(time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	decided, thens := 0, 0
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := f.st.DecideRelease(f.ctx, r.ID, f.manager.ID, i%2 == 0, "", at, func(*postgres.Store, postgres.ReleaseRequest) error {
				mu.Lock()
				thens++
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			if ok {
				decided++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if decided != 1 || thens != 1 {
		t.Fatalf("6 decisions at once: %d decided, then ran %d times; want 1 and 1", decided, thens)
	}
	got, err := f.st.ReleaseRequest(f.ctx, r.ID)
	if err != nil || got.State == postgres.ReleaseOpen || got.Decider.Name != "Directeur" || !got.DecidedAt.Equal(at) {
		t.Errorf("decided request %+v, %v", got, err)
	}
}

func TestStaleReleases(t *testing.T) {
	f := setup(t)
	stuck := f.blockedAt("4500011042", &f.asst, orders.StatusCreditLimit, 1845000, f.now)
	lifted := f.blockedAt("4500011043", &f.asst, orders.StatusCreditLimit, 990000, f.now)
	for _, n := range []string{stuck, lifted} {
		r, _, err := f.st.AskRelease(f.ctx, postgres.NewReleaseRequest{Number: n, Block: orders.StatusCreditLimit,
			RequesterID: f.rep.ID, Channel: "C0CREDIT01", At: f.now}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.st.DecideRelease(f.ctx, r.ID, f.manager.ID, true, "", f.now.Add(time.Hour), nil); err != nil {
			t.Fatal(err)
		}
	}
	// An import shows the second released.
	o, err := f.st.OrderByNumber(f.ctx, lifted)
	if err != nil {
		t.Fatal(err)
	}
	o.Status, o.BlockReason, o.Blocks, o.StatusSince = orders.StatusOpen, "", nil, f.now.Add(3*time.Hour)
	if _, err := f.st.SaveOrder(f.ctx, o, postgres.Change{At: f.now.Add(3 * time.Hour), Source: "test"}); err != nil {
		t.Fatal(err)
	}
	if rs, err := f.st.StaleReleases(f.ctx, f.now); err != nil || len(rs) != 0 {
		t.Errorf("stale before the decisions: %+v %v", rs, err)
	}
	rs, err := f.st.StaleReleases(f.ctx, f.now.Add(30*time.Hour))
	if err != nil || len(rs) != 1 || rs[0].Number != stuck {
		t.Fatalf("stale releases %+v, %v; want %s only", rs, err, stuck)
	}
	if ok, err := f.st.MarkReleaseStaleTold(f.ctx, rs[0].ID, f.now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := f.st.MarkReleaseStaleTold(f.ctx, rs[0].ID, f.now); ok {
		t.Error("told twice")
	}
	if rs, _ := f.st.StaleReleases(f.ctx, f.now.Add(30*time.Hour)); len(rs) != 0 {
		t.Errorf("stale after being told: %+v", rs)
	}
	all, _ := f.st.ReleaseRequests(f.ctx, postgres.ReleaseFilter{States: []string{postgres.ReleaseApproved}})
	for _, r := range all {
		if (r.Number == lifted) != (r.ReleasedAt != nil) {
			t.Errorf("%s released at %v", r.Number, r.ReleasedAt)
		}
	}
}
