//go:build unix

package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orderbot/orderbot/internal/slackfake"
)

// TestSIGTERMFinishesQuestionsInHand runs the built binary, sends it
// SIGTERM while a question waits on a slow model, and checks that the
// answer still goes out and the process exits cleanly.
func TestSIGTERMFinishesQuestionsInHand(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "orderbot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	slow := make(chan struct{}, 1)
	model, _ := modelServer(t, http.StatusOK, "customer_orders", `{"name":"Dupré"}`)
	inner := model.Config.Handler
	model.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slow <- struct{}{}
		time.Sleep(1500 * time.Millisecond)
		inner.ServeHTTP(w, r)
	})
	fake := slackfake.New(t, slackfake.WithUsers(slackUsers))
	cmd := exec.Command(bin, "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"ORDERBOT_DATABASE_URL=" + sampleDatabase(t), "ORDERBOT_SLACK_BOT_TOKEN=xoxb-test", "ORDERBOT_SLACK_APP_TOKEN=xapp-test",
		"ORDERBOT_SLACK_API_URL=" + fake.APIURL(), "ORDERBOT_SLACK_HTTP_ADDR=" + freeAddr(t),
		"ORDERBOT_LLM_BASE_URL=" + model.URL + "/v1", "ORDERBOT_LLM_MODEL=m"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	fake.WaitConnected(t, 1, 20*time.Second)
	fake.SendEvent("EvS001", dm("U0REP0001", "D0SIG0001", "1700007000.000100", "ils attendent toujours leur palette les boulangers de la rue Dupré"))
	select {
	case <-slow:
	case <-time.After(10 * time.Second):
		t.Fatalf("the question never reached the model:\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("orderbot exits with %v:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("orderbot does not stop on SIGTERM")
	}
	p := postsTo(fake, "D0SIG0001")
	if len(p) != 2 || !strings.Contains(textOf(p[1]), "Boulangerie Dupré") {
		t.Errorf("the question in hand at SIGTERM got %d posts:\n%s", len(p), stderr.String())
	}
}
