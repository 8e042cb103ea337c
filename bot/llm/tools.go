package llm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// The tools offered to the model: the questions orderbot answers, nothing
// else. Their arguments are what the deterministic reading produces.
const (
	toolOrder       = "order_status"
	toolCustomer    = "customer_orders"
	toolCustomerRef = "customer_reference"
	toolMine        = "my_orders"
	toolReason      = "orders_by_block_reason"
	toolHelp        = "help"
	toolItem        = "orders_waiting_for_item"
	toolFollow      = "follow"
	toolUnfollow    = "unfollow"
	toolFollowing   = "list_followed"
	toolRelease     = "request_release"
)

// blockReasons are the kinds of block a question may name.
func blockReasons() []string {
	var out []string
	for _, s := range orders.BlockedStatuses() {
		out = append(out, string(s))
	}
	return out
}

type schema = map[string]any

func object(props schema, required ...string) schema {
	s := schema{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// tools returns the tools' definitions with their JSON Schemas.
func tools() []openai.Tool {
	reason := schema{"type": "string", "enum": blockReasons(),
		"description": "kind of block: out_of_stock (rupture, backorder), anomaly (missing or wrong data), credit_limit (encours, credit hold), delivery_block (delivery address, logistics), financial_block (overdue payments, dispute)"}
	number := schema{"type": "string", "description": "the order number exactly as written in the message"}
	subject := object(schema{
		"number": number,
		"name":   schema{"type": "string", "description": "the customer's name as written in the message, to follow all its orders"},
		"code":   schema{"type": "string", "description": "the customer code, when the user gives one"},
	})
	return append([]openai.Tool{
		def(toolOrder, "Where one order stands, by the order number the user wrote.",
			object(schema{"number": number,
				"lines": schema{"type": "boolean", "description": "every line of the order, when the user asks for its detail or lines"}}, "number")),
		def(toolCustomer, "The open orders of one customer, by the customer's name or customer code as written in the message.",
			object(schema{
				"name":         schema{"type": "string", "description": "the customer's name as written in the message"},
				"code":         schema{"type": "string", "description": "the customer code, when the user gives one"},
				"blocked":      schema{"type": "boolean", "description": "only the blocked orders"},
				"block_reason": reason,
			})),
		def(toolCustomerRef, "The orders with a customer's own reference (their purchase order number).",
			object(schema{"reference": schema{"type": "string", "description": "the customer's reference as written in the message"}}, "reference")),
		def(toolMine, "The user's own orders (their portfolio).",
			object(schema{"blocked": schema{"type": "boolean", "description": "only the blocked orders"}})),
		def(toolReason, "The user's orders held for one kind of block.", object(schema{"block_reason": reason}, "block_reason")),
		def(toolHelp, "What orderbot can answer: for greetings, help requests, and anything out of scope.", object(schema{})),
	}, newerTools(number, subject)...)
}

// newerTools are the tools of items, following and releases.
func newerTools(number, subject schema) []openai.Tool {
	return []openai.Tool{
		def(toolItem, "The open orders short of one item (who is waiting for it), by its item code or words of its description.",
			object(schema{"item": schema{"type": "string", "description": "the item code or description as written in the message"}}, "item")),
		def(toolFollow, "Follow one order (by number) or every order of one customer, to hear of their changes.", subject),
		def(toolUnfollow, "Stop following one order or one customer.", subject),
		def(toolFollowing, "What the user follows.", object(schema{})),
		def(toolRelease, "Ask for the release of one blocked order, by the people who decide it, with the user's reason if given.",
			object(schema{"number": number,
				"reason": schema{"type": "string", "description": "why the order should be released, in the user's own words, when given"}}, "number")),
	}
}

// def defines a tool.
func def(name, desc string, params schema) openai.Tool {
	return openai.Tool{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{Name: name, Description: desc, Parameters: params}}
}

// systemPrompt tells the model its one job. It holds no data: only the
// user's message and the tools are sent.
const systemPrompt = `You route questions from sales people of a B2B distributor, in French or English, about customer orders.
Call exactly one tool. Take order numbers, customer names, codes and references only from the user's message, exactly as written; never invent one.
Follow, unfollow and request_release are for messages that clearly ask for them; a question about an order is order_status.
If the message asks for something no tool answers, call help.`

// args are the arguments of every tool; each takes some of them.
type args struct {
	Number      *string `json:"number"`
	Name        *string `json:"name"`
	Code        *string `json:"code"`
	Reference   *string `json:"reference"`
	Blocked     *bool   `json:"blocked"`
	BlockReason *string `json:"block_reason"`
	Lines       *bool   `json:"lines"`
	Item        *string `json:"item"`
	Reason      *string `json:"reason"`
}

// str is an argument's text, trimmed; "" when absent.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// call is a tool call as the model returned it.
type call struct {
	name string
	args string // JSON
}

// maxArg is the longest argument accepted: names and numbers are short.
const maxArg = 120

// toQuestion validates a tool call like any input and turns it into a
// question; message is what the user wrote, from which every identifier
// must come.
func toQuestion(c call, message string) (understand.Question, error) {
	var args args
	raw := strings.TrimSpace(c.args)
	if raw == "" {
		raw = "{}"
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&args); err != nil {
		return understand.Question{}, fmt.Errorf("tool %s: arguments are not the tool's: %w", c.name, err)
	}
	q := understand.Question{Text: message}
	var status orders.Status
	if r := str(args.BlockReason); r != "" {
		st, err := orders.ParseStatus(r)
		if err != nil || !st.Blocked() {
			return q, fmt.Errorf("tool %s: %q is not a kind of block", c.name, r)
		}
		status = st
	}
	blocked := args.Blocked != nil && *args.Blocked
	switch c.name {
	case toolOrder:
		q.Intent, q.Number, q.Lines = understand.Order, str(args.Number), args.Lines != nil && *args.Lines
		return q, identifierIn(q.Number, message, "order number")
	case toolCustomerRef:
		q.Intent, q.Ref = understand.CustomerRef, str(args.Reference)
		return q, identifierIn(q.Ref, message, "customer reference")
	case toolCustomer:
		q.Intent, q.Blocked, q.Status = understand.Customer, blocked || status != "", status
		if code := str(args.Code); code != "" {
			q.CustomerCode = code
			return q, identifierIn(code, message, "customer code")
		}
		q.CustomerName = str(args.Name)
		return q, nameIn(q.CustomerName, message)
	case toolMine:
		q.Intent, q.Blocked = understand.Mine, blocked
	case toolReason:
		if status == "" {
			return q, fmt.Errorf("tool %s: no kind of block", c.name)
		}
		q.Intent, q.Status, q.Blocked = understand.Reason, status, true
	case toolHelp:
		q.Intent = understand.Help
	default:
		return newerQuestion(c.name, args, q)
	}
	return q, nil
}

// maxNote is the longest reason for a release accepted.
const maxNote = 500

// newerQuestion turns a call of one of newerTools into a question q of
// the message q.Text.
func newerQuestion(tool string, a args, q understand.Question) (understand.Question, error) {
	message := q.Text
	switch tool {
	case toolItem:
		q.Intent, q.Item = understand.Item, str(a.Item)
		if identifierIn(q.Item, message, "item code") != nil {
			if err := nameIn(q.Item, message); err != nil {
				return q, fmt.Errorf("the model returned the item %q, which the message does not name", q.Item)
			}
		}
	case toolFollow, toolUnfollow:
		q.Intent = understand.StartFollowing
		if tool == toolUnfollow {
			q.Intent = understand.StopFollowing
		}
		switch {
		case str(a.Number) != "":
			q.Number = str(a.Number)
			return q, identifierIn(q.Number, message, "order number")
		case str(a.Code) != "":
			q.CustomerCode = str(a.Code)
			return q, identifierIn(q.CustomerCode, message, "customer code")
		}
		q.CustomerName = str(a.Name)
		return q, nameIn(q.CustomerName, message)
	case toolFollowing:
		q.Intent = understand.Following
	case toolRelease:
		q.Intent, q.Number = understand.AskRelease, str(a.Number)
		// A reason is the user's words: one the message does not hold,
		// or too long, is left out rather than said in their name.
		if note := str(a.Reason); utf8.RuneCountInString(note) <= maxNote &&
			strings.Contains(understand.Fold(message), understand.Fold(note)) {
			q.Note = note
		}
		return q, identifierIn(q.Number, message, "order number")
	default:
		return q, fmt.Errorf("the model called %q, which is not one of orderbot's tools", tool)
	}
	return q, nil
}

// identifierIn checks that an identifier the model returned is one the
// message holds, typed loosely as order numbers are.
func identifierIn(id, message, what string) error {
	key := orders.NumberKey(id)
	switch {
	case key == "" || utf8.RuneCountInString(id) > maxArg:
		return fmt.Errorf("the model returned %q as a %s", id, what)
	case !strings.Contains(orders.NumberKey(message), key):
		return fmt.Errorf("the model returned the %s %q, which the message does not hold", what, id)
	}
	return nil
}

// nameIn checks that a customer name the model returned shares a word with
// the message: it may correct a typo, it may not invent a customer.
func nameIn(name, message string) error {
	if name == "" || utf8.RuneCountInString(name) > maxArg {
		return fmt.Errorf("the model returned %q as a customer name", name)
	}
	said := map[string]bool{}
	for _, w := range strings.Fields(understand.Fold(message)) {
		said[w] = true
	}
	for _, w := range strings.Fields(understand.Fold(name)) {
		if len(w) >= 3 && said[w] {
			return nil
		}
	}
	return fmt.Errorf("the model returned the customer %q, which the message does not name", name)
}

// fence is a Markdown code fence around JSON in a reply's text.
var fence = regexp.MustCompile("(?s)```(?:json)?\\s*(.*?)```")

// callInContent reads a tool call that a server wrote in the message's text
// instead of tool_calls, as some OpenAI-compatible servers do:
// {"name": ..., "arguments": {...}} or {"tool": ..., "parameters": ...},
// bare or in a code fence.
func callInContent(content string) (call, bool) {
	text := strings.TrimSpace(content)
	if m := fence.FindStringSubmatch(text); m != nil {
		text = strings.TrimSpace(m[1])
	}
	if i := strings.IndexByte(text, '{'); i > 0 {
		text = text[i:]
	}
	var v map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&v); err != nil {
		return call{}, false
	}
	if fn, ok := v["function"]; ok && len(fn) > 0 && fn[0] == '{' {
		// {"function": {"name": ..., "arguments": ...}}
		var inner map[string]json.RawMessage
		if json.Unmarshal(fn, &inner) == nil {
			v = inner
		}
	}
	var name string
	for _, k := range []string{"name", "tool", "function", "tool_name"} {
		if raw, ok := v[k]; ok && json.Unmarshal(raw, &name) == nil && name != "" {
			break
		}
	}
	if name == "" {
		return call{}, false
	}
	args := "{}"
	for _, k := range []string{"arguments", "parameters", "args", "input"} {
		raw, ok := v[k]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			args = s // arguments encoded as a JSON string, as tool_calls has them
		} else {
			args = string(raw)
		}
		break
	}
	return call{name: name, args: args}, true
}
