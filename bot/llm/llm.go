// Package llm reads a free-form question through any OpenAI-compatible
// model (OpenAI, Azure OpenAI, a local Ollama or vLLM server), with
// go-openai: the model is offered orderbot's questions as tools and
// returns one tool call, which is validated like any input and becomes the
// same understand.Question the deterministic reading produces. The model
// sees the user's message and the tools, never order data; it never writes
// SQL and its text never reaches anyone. Calls are bounded by a timeout and
// a token cap, and a circuit breaker stops asking a failing model for a
// while.
package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sony/gobreaker/v2"

	"github.com/orderbot/orderbot/bot/understand"
)

// Config is how to reach the model.
type Config struct {
	BaseURL   string // e.g. https://api.openai.com/v1, https://NAME.openai.azure.com/, http://localhost:11434/v1
	APIKey    string
	Model     string // the model, or the deployment on Azure
	Timeout   time.Duration
	MaxTokens int
	// Breaker: after Failures failures in a row, the model is not asked
	// for Cooldown; then one question tries it again.
	Failures uint32
	Cooldown time.Duration
	// Observe, when set, hears each question: "ok", "unusable", "failed"
	// or "refused" (the breaker open), and how long the call took.
	Observe func(outcome string, took time.Duration)
}

// azureAPIVersion is the Azure OpenAI API version asked for: the first
// generally available one with tool calling.
const azureAPIVersion = "2024-06-01"

// IsAzure reports whether baseURL is an Azure OpenAI resource, which takes
// the key in an api-key header and the model as a deployment in the path.
func IsAzure(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return strings.HasSuffix(h, ".openai.azure.com") || strings.HasSuffix(h, ".cognitiveservices.azure.com")
}

// Stats say how the model was used.
type Stats struct {
	Asked, Failed, Refused int           // calls made, calls failed, questions not asked (breaker open)
	Time                   time.Duration // total time of the calls made
}

// Reader reads questions through the model. It is safe for concurrent use.
type Reader struct {
	client  *openai.Client
	cfg     Config
	breaker *gobreaker.CircuitBreaker[understand.Question]
	log     *slog.Logger

	mu    sync.Mutex
	stats Stats
}

// New returns a Reader for cfg; httpClient may be nil.
func New(cfg Config, httpClient *http.Client, log *slog.Logger) *Reader {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = 256
	}
	if cfg.Failures == 0 {
		cfg.Failures = 5
	}
	if cfg.Cooldown <= 0 {
		cfg.Cooldown = 30 * time.Second
	}
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	if cfg.Observe == nil {
		cfg.Observe = func(string, time.Duration) {}
	}
	var oc openai.ClientConfig
	if IsAzure(cfg.BaseURL) {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		oc.APIVersion = azureAPIVersion
		oc.AzureModelMapperFunc = func(model string) string { return model } // the deployment, as configured
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	oc.HTTPClient = httpClient
	r := &Reader{client: openai.NewClientWithConfig(oc), cfg: cfg, log: log}
	r.breaker = gobreaker.NewCircuitBreaker[understand.Question](gobreaker.Settings{
		Name:        "llm",
		MaxRequests: 1,
		Timeout:     cfg.Cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= cfg.Failures },
		IsSuccessful: func(err error) bool {
			// A reply that is only unusable (no tool, a bad argument) is
			// the model's answer, not a failure of the server.
			return err == nil || errors.Is(err, ErrUnusable)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn("model circuit breaker", "from", from.String(), "to", to.String())
		},
	})
	return r
}

// ErrUnusable wraps a reply of the model that does not make a valid
// question: no tool called, an unknown tool, invalid arguments.
var ErrUnusable = errors.New("unusable reply from the model")

// ErrOpen is returned while the breaker keeps the model from being asked.
var ErrOpen = errors.New("the model is not asked for a while after repeated failures")

// Stats returns how the model was used so far.
func (r *Reader) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Read asks the model what message asks. The error says why there is no
// question: the caller then answers as if no model were configured.
func (r *Reader) Read(ctx context.Context, message string) (understand.Question, error) {
	q, err := r.breaker.Execute(func() (understand.Question, error) { return r.ask(ctx, message) })
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		r.mu.Lock()
		r.stats.Refused++
		r.mu.Unlock()
		r.cfg.Observe("refused", 0)
		return q, ErrOpen
	}
	return q, err
}

func (r *Reader) ask(ctx context.Context, message string) (understand.Question, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	start := time.Now()
	resp, err := r.client.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: r.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: systemPrompt},
			{Role: openai.ChatMessageRoleUser, Content: message},
		},
		Tools:      tools(),
		ToolChoice: "auto",
		//lint:ignore SA1019 max_tokens is what Azure's GA API versions, Ollama and vLLM read; max_completion_tokens is newer.
		MaxTokens: r.cfg.MaxTokens,
	})
	took := time.Since(start)
	q, err := r.reply(resp, err, message)
	r.mu.Lock()
	r.stats.Asked++
	r.stats.Time += took
	if err != nil && !errors.Is(err, ErrUnusable) {
		r.stats.Failed++
	}
	r.mu.Unlock()
	switch {
	case err == nil:
		r.cfg.Observe("ok", took)
	case errors.Is(err, ErrUnusable):
		r.cfg.Observe("unusable", took)
	default:
		r.cfg.Observe("failed", took)
	}
	if err != nil {
		r.log.Warn("model reply not used", "took", took.Round(time.Millisecond), "err", err)
	} else {
		r.log.Info("model read a question", "took", took.Round(time.Millisecond), "intent", q.Intent)
	}
	return q, err
}

// reply turns the model's reply into a question.
func (r *Reader) reply(resp openai.ChatCompletionResponse, err error, message string) (understand.Question, error) {
	if err != nil {
		var apiErr *openai.APIError
		if errors.As(err, &apiErr) {
			return understand.Question{}, fmt.Errorf("model: HTTP %d: %s", apiErr.HTTPStatusCode, oneLine(apiErr.Message))
		}
		return understand.Question{}, fmt.Errorf("model: %w", err)
	}
	if len(resp.Choices) == 0 {
		return understand.Question{}, fmt.Errorf("%w: no choice", ErrUnusable)
	}
	msg := resp.Choices[0].Message
	var c call
	switch {
	case len(msg.ToolCalls) > 0:
		c = call{name: msg.ToolCalls[0].Function.Name, args: msg.ToolCalls[0].Function.Arguments}
	case msg.FunctionCall != nil:
		c = call{name: msg.FunctionCall.Name, args: msg.FunctionCall.Arguments}
	default:
		var ok bool
		if c, ok = callInContent(msg.Content); !ok {
			return understand.Question{}, fmt.Errorf("%w: no tool called", ErrUnusable)
		}
	}
	q, err := toQuestion(c, message)
	if err != nil {
		return understand.Question{}, fmt.Errorf("%w: %w", ErrUnusable, err)
	}
	return q, nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
