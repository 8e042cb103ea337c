package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderbot/orderbot/bot/llm"
	"github.com/orderbot/orderbot/bot/understand"
)

// fakeModel is an OpenAI-compatible server: /v1/chat/completions answered
// by reply, every request recorded.
type fakeModel struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []recorded
	reply func(w http.ResponseWriter, req map[string]any)
}

type recorded struct {
	method, path, query string
	header              http.Header
	body                []byte
}

func newFakeModel(t *testing.T) *fakeModel {
	f := &fakeModel{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
		reply := f.reply
		f.mu.Unlock()
		var req map[string]any
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
			return
		}
		reply(w, req)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeModel) answer(reply func(w http.ResponseWriter, req map[string]any)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply = reply
}

func (f *fakeModel) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeModel) last() recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[len(f.calls)-1]
}

// completion writes a chat completion whose message is msg.
func completion(w http.ResponseWriter, msg map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1764230400, "model": "test-model",
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": "tool_calls"}},
		"usage":   map[string]any{"prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220},
	})
}

// toolCall answers with one tool call.
func toolCall(name, args string) func(http.ResponseWriter, map[string]any) {
	return func(w http.ResponseWriter, _ map[string]any) {
		completion(w, map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
			"id": "call_1", "type": "function", "function": map[string]any{"name": name, "arguments": args}}}})
	}
}

// content answers with text only.
func content(text string) func(http.ResponseWriter, map[string]any) {
	return func(w http.ResponseWriter, _ map[string]any) {
		completion(w, map[string]any{"role": "assistant", "content": text})
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func reader(f *fakeModel, cfg llm.Config) *llm.Reader {
	if cfg.BaseURL == "" {
		cfg.BaseURL = f.srv.URL + "/v1"
	}
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	return llm.New(cfg, nil, quiet())
}

const palette = "le client Dupré m'appelle, il attend toujours sa palette de mardi"

func TestToolCallBecomesAQuestion(t *testing.T) {
	f := newFakeModel(t)
	r := reader(f, llm.Config{})
	readsAs(t, f, r, []toolCase{
		{palette, "customer_orders", `{"name":"Dupré"}`, understand.Question{Intent: understand.Customer, CustomerName: "Dupré"}},
		{"the guys at muller keep calling about stuff stuck on credit", "customer_orders", `{"name":"Muller","block_reason":"credit_limit"}`,
			understand.Question{Intent: understand.Customer, CustomerName: "Muller", Blocked: true, Status: "credit_limit"}},
		{"j'ai un client qui râle pour sa cde 4500012345 qu'on lui a promise hier", "order_status", `{"number":"4500012345"}`,
			understand.Question{Intent: understand.Order, Number: "4500012345"}},
		{"y a des trucs à moi qui coincent niveau paiement ?", "orders_by_block_reason", `{"block_reason":"financial_block"}`,
			understand.Question{Intent: understand.Reason, Status: "financial_block", Blocked: true}},
		{"leur acheteur parle de son bon 7781-B", "customer_reference", `{"reference":"7781-B"}`,
			understand.Question{Intent: understand.CustomerRef, Ref: "7781-B"}},
		{"c'est quoi mon carnet en ce moment", "my_orders", `{}`, understand.Question{Intent: understand.Mine}},
	})
}

// toolCase is a message, the tool the model calls for it with its
// arguments, and the question it must become.
type toolCase struct {
	msg, tool, args string
	want            understand.Question
}

// readsAs has r read each case's message, the model f answering with the
// case's tool call, and checks the question read.
func readsAs(t *testing.T, f *fakeModel, r *llm.Reader, cases []toolCase) {
	t.Helper()
	for _, c := range cases {
		f.answer(toolCall(c.tool, c.args))
		got, err := r.Read(context.Background(), c.msg)
		c.want.Text = c.msg
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q with %s(%s): %+v, %v; want %+v", c.msg, c.tool, c.args, got, err, c.want)
		}
	}
}

func TestContentEmbeddedToolCalls(t *testing.T) {
	f := newFakeModel(t)
	r := reader(f, llm.Config{})
	for _, text := range []string{
		`{"name": "customer_orders", "arguments": {"name": "Dupré"}}`,
		"```json\n{\"name\": \"customer_orders\", \"parameters\": {\"name\": \"Dupré\"}}\n```",
		`Sure! {"tool": "customer_orders", "arguments": "{\"name\": \"Dupré\"}"}`,
		`{"function": {"name": "customer_orders", "arguments": {"name": "Dupré"}}}`,
	} {
		f.answer(content(text))
		got, err := r.Read(context.Background(), palette)
		if err != nil || got.Intent != understand.Customer || got.CustomerName != "Dupré" {
			t.Errorf("content %q: %s, %v", text, got, err)
		}
	}
}

func TestUnusableRepliesAreRefused(t *testing.T) {
	f := newFakeModel(t)
	r := reader(f, llm.Config{Failures: 100})
	cases := []struct {
		name  string
		reply func(http.ResponseWriter, map[string]any)
	}{
		{"no tool", content("Je ne sais pas, désolé.")},
		{"unknown tool", toolCall("drop_table", `{"table":"orders"}`)},
		{"arguments not JSON", toolCall("order_status", `{"number":`)},
		{"an argument the tool has not", toolCall("order_status", `{"number":"4500012345","sql":"DELETE"}`)},
		{"a number the message does not hold", toolCall("order_status", `{"number":"4500099999"}`)},
		{"a customer the message does not name", toolCall("customer_orders", `{"name":"Carrefour"}`)},
		{"a kind of block that is none", toolCall("orders_by_block_reason", `{"block_reason":"open"}`)},
		{"garbage", func(w http.ResponseWriter, _ map[string]any) { _, _ = w.Write([]byte("<html>oops</html>")) }},
		{"no choices", func(w http.ResponseWriter, _ map[string]any) { _, _ = w.Write([]byte(`{"id":"x","choices":[]}`)) }},
	}
	for _, c := range cases {
		f.answer(c.reply)
		if got, err := r.Read(context.Background(), palette); err == nil {
			t.Errorf("%s: read as %s", c.name, got)
		}
	}
	if s := r.Stats(); s.Asked != len(cases) {
		t.Errorf("stats %+v after %d questions", s, len(cases))
	}
}

func TestFailuresAndTheBreaker(t *testing.T) {
	f := newFakeModel(t)
	r := reader(f, llm.Config{Timeout: 200 * time.Millisecond, Failures: 3, Cooldown: 300 * time.Millisecond})
	ctx := context.Background()
	f.answer(func(w http.ResponseWriter, _ map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}`))
	})
	if _, err := r.Read(ctx, palette); err == nil || !strings.Contains(err.Error(), "429") {
		t.Errorf("a 429: %v", err)
	}
	f.answer(func(w http.ResponseWriter, _ map[string]any) {
		time.Sleep(time.Second)
		completion(w, map[string]any{"role": "assistant", "content": "too late"})
	})
	start := time.Now()
	if _, err := r.Read(ctx, palette); err == nil || time.Since(start) > 900*time.Millisecond {
		t.Errorf("a slow reply: %v after %s, want the timeout's error", err, time.Since(start))
	}
	f.answer(func(w http.ResponseWriter, _ map[string]any) { http.Error(w, "upstream down", http.StatusBadGateway) })
	if _, err := r.Read(ctx, palette); err == nil {
		t.Error("a 502 is read")
	}
	// Three failures in a row: the model is not asked any more.
	calls := f.count()
	f.answer(toolCall("customer_orders", `{"name":"Dupré"}`))
	if _, err := r.Read(ctx, palette); !errors.Is(err, llm.ErrOpen) || f.count() != calls {
		t.Errorf("after three failures: %v, %d calls (was %d): the breaker did not open", err, f.count(), calls)
	}
	// After the cooldown, one question tries again, and success closes it.
	time.Sleep(400 * time.Millisecond)
	for i := range 3 {
		if q, err := r.Read(ctx, palette); err != nil || q.CustomerName != "Dupré" {
			t.Errorf("after the cooldown, question %d: %s, %v", i, q, err)
		}
	}
	if s := r.Stats(); s.Failed != 3 || s.Refused != 1 || s.Asked != 6 {
		t.Errorf("stats %+v, want 6 asked, 3 failed, 1 refused", s)
	}
}

func TestTheRequestHoldsNoData(t *testing.T) {
	f := newFakeModel(t)
	f.answer(toolCall("customer_orders", `{"name":"Dupré"}`))
	r := reader(f, llm.Config{MaxTokens: 300, APIKey: "sk-test"})
	if _, err := r.Read(context.Background(), palette); err != nil {
		t.Fatal(err)
	}
	var req map[string]any
	if err := json.Unmarshal(f.last().body, &req); err != nil {
		t.Fatal(err)
	}
	for k := range req {
		switch k {
		case "model", "messages", "tools", "tool_choice", "max_tokens", "stream":
		default:
			t.Errorf("the request holds %q", k)
		}
	}
	msgs, _ := req["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("the request holds %d messages, want the instructions and the user's", len(msgs))
	}
	if user := msgs[1].(map[string]any); user["role"] != "user" || user["content"] != palette {
		t.Errorf("the user's message is sent as %v", user)
	}
	system := msgs[0].(map[string]any)["content"].(string)
	for _, data := range []string{"4500", "Boulangerie", "€", "@example"} {
		if strings.Contains(system, data) {
			t.Errorf("the instructions hold %q: %s", data, system)
		}
	}
	if req["max_tokens"] != float64(300) {
		t.Errorf("max_tokens %v, want 300", req["max_tokens"])
	}
	tools, _ := req["tools"].([]any)
	if len(tools) != 11 {
		t.Errorf("%d tools offered, want 11", len(tools))
	}
}

// redirect sends every request to the fake, whatever its host, as a
// corporate proxy would: the configuration under test keeps its real URL.
func redirect(f *fakeModel) *http.Client {
	addr := strings.TrimPrefix(f.srv.URL, "http://")
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

func TestProviders(t *testing.T) {
	cases := []struct {
		name, base, key, model   string
		path, query              string
		authorization, apiKeyHdr string
	}{
		{"OpenAI", "http://api.openai.com/v1", "sk-openai", "gpt-4o-mini", "/v1/chat/completions", "", "Bearer sk-openai", ""},
		{"Azure OpenAI", "http://orderbot-fr.openai.azure.com/", "azure-key", "orderbot-gpt4o",
			"/openai/deployments/orderbot-gpt4o/chat/completions", "api-version=2024-06-01", "", "azure-key"},
		{"Ollama", "http://localhost:11434/v1", "", "llama3.1", "/v1/chat/completions", "", "", ""},
	}
	for _, c := range cases {
		f := newFakeModel(t)
		f.answer(toolCall("help", `{}`))
		r := llm.New(llm.Config{BaseURL: c.base, APIKey: c.key, Model: c.model}, redirect(f), quiet())
		if q, err := r.Read(context.Background(), "bonjour"); err != nil || q.Intent != understand.Help {
			t.Errorf("%s: %s, %v", c.name, q, err)
			continue
		}
		got := f.last()
		if got.method != http.MethodPost || got.path != c.path || got.query != c.query {
			t.Errorf("%s: %s %s?%s, want POST %s?%s", c.name, got.method, got.path, got.query, c.path, c.query)
		}
		if a := strings.TrimSpace(got.header.Get("Authorization")); a != strings.TrimSpace(c.authorization) && !(c.authorization == "" && a == "Bearer") {
			t.Errorf("%s: Authorization %q, want %q", c.name, a, c.authorization)
		}
		if k := got.header.Get("api-key"); k != c.apiKeyHdr {
			t.Errorf("%s: api-key %q, want %q", c.name, k, c.apiKeyHdr)
		}
		var req map[string]any
		_ = json.Unmarshal(got.body, &req)
		if req["model"] != c.model {
			t.Errorf("%s: model %v, want %q", c.name, req["model"], c.model)
		}
	}
}
