package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// modelServer is an OpenAI-compatible /v1/chat/completions that answers
// with one tool call, or with status when it is not 200; it counts calls.
func modelServer(t *testing.T, status int, tool, args string) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		if status != http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":{"message":"The server had an error","type":"server_error","code":null}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "chatcmpl-1", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "tool_calls", "message": map[string]any{
				"role": "assistant", "tool_calls": []any{map[string]any{"id": "c1", "type": "function",
					"function": map[string]any{"name": tool, "arguments": args}}}}}}})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestAskThroughTheModel(t *testing.T) {
	t.Parallel()
	url := sampleDatabase(t)
	srv, calls := modelServer(t, http.StatusOK, "customer_orders", `{"name":"Dupré"}`)
	vars := map[string]string{"ORDERBOT_DATABASE_URL": url, "ORDERBOT_LLM_BASE_URL": srv.URL + "/v1", "ORDERBOT_LLM_MODEL": "m"}
	ask := func(as, q string) string {
		t.Helper()
		out, stderr, err := orderbot(t, vars, "ask", "--as", as, q)
		if err != nil {
			t.Fatalf("ask %q: %v %s", q, err, stderr)
		}
		return out
	}

	// Free-form French, read by the model, answered by the ordinary path.
	out := ask("francois.duboeuf@example.fr", "ils attendent toujours leur palette les boulangers de la rue Dupré")
	if !strings.Contains(out, "Boulangerie Dupré & Fils") || calls.Load() != 1 {
		t.Errorf("after %d calls to the model:\n%s", calls.Load(), out)
	}
	// What the deterministic reading understands never waits on the model.
	for _, q := range []string{"4500012345", "commandes de boulangerie dupre", "mes commandes bloquées", "merci"} {
		ask("francois.duboeuf@example.fr", q)
	}
	if calls.Load() != 1 {
		t.Errorf("the model was asked %d times, want once", calls.Load())
	}
	// A stranger's message goes nowhere near the model.
	if out := ask("nobody@example.fr", "ils attendent toujours leur palette les boulangers de la rue Dupré"); calls.Load() != 1 || strings.Contains(out, "Dupré") {
		t.Errorf("a stranger's question: %d calls\n%s", calls.Load(), out)
	}

	// A failing model: the deterministic answer, not an error.
	down, downCalls := modelServer(t, http.StatusInternalServerError, "", "")
	vars["ORDERBOT_LLM_BASE_URL"] = down.URL + "/v1"
	out = ask("francois.duboeuf@example.fr", "ils attendent toujours leur palette les boulangers de la rue Dupré")
	if downCalls.Load() != 1 || !strings.Contains(out, "Je n'ai pas compris") {
		t.Errorf("with the model failing (%d calls):\n%s", downCalls.Load(), out)
	}
}

func TestEval(t *testing.T) {
	t.Parallel()
	out, _, err := orderbot(t, nil, "eval")
	if err != nil || !strings.Contains(out, "overall") || !strings.Contains(out, "customer_ref") || strings.Contains(out, "Model") {
		t.Errorf("eval: %v\n%s", err, out)
	}
	if _, _, err := orderbot(t, nil, "eval", "--llm"); err == nil || !strings.Contains(err.Error(), "llm.base_url") {
		t.Errorf("eval --llm without a model: %v", err)
	}
	srv, calls := modelServer(t, http.StatusOK, "help", `{}`)
	out, _, err = orderbot(t, map[string]string{"ORDERBOT_LLM_BASE_URL": srv.URL + "/v1", "ORDERBOT_LLM_MODEL": "m"}, "eval", "--llm")
	if err != nil || !strings.Contains(out, "Model m at") || calls.Load() < 250 {
		t.Errorf("eval --llm: %v, %d calls\n%s", err, calls.Load(), out)
	}
	// A model that always says "help" gets the help messages right and
	// little else.
	lines := map[string]string{}
	for _, l := range strings.Split(out[strings.Index(out, "Model m at"):], "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			lines[f[0]] = f[2]
		}
	}
	if lines["help"] != "100.0%" || lines["order"] != "0.0%" || lines["overall"] == "100.0%" {
		t.Errorf("the model's scores: %v\n%s", lines, out)
	}
}
