package llm_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/orderbot/orderbot/bot/llm"
	"github.com/orderbot/orderbot/bot/understand"
)

// TestNewerIntentsFromTheModel: free-form questions about an order's
// lines, an item's waiting orders, following and releases, which the
// rules leave unread, become questions through the model's tools, every
// identifier taken from the message; a reason for a release that the
// message does not hold is left out.
func TestNewerIntentsFromTheModel(t *testing.T) {
	f := newFakeModel(t)
	r := reader(f, llm.Config{})
	readsAs(t, f, r, []toolCase{
		{"mon client relance pour sa 4500012346, tu peux me sortir tout ce qu'il y a dedans ligne par ligne", "order_status",
			`{"number":"4500012346","lines":true}`, understand.Question{Intent: understand.Order, Number: "4500012346", Lines: true}},
		{"y a du monde qui poireaute sur la farine T65 en ce moment ?", "orders_waiting_for_item", `{"item":"farine T65"}`,
			understand.Question{Intent: understand.Item, Item: "farine T65"}},
		{"anyone stuck because of 4711 again?", "orders_waiting_for_item", `{"item":"4711"}`,
			understand.Question{Intent: understand.Item, Item: "4711"}},
		{"préviens-moi dès que la 4500011039 bouge", "follow", `{"number":"4500011039"}`,
			understand.Question{Intent: understand.StartFollowing, Number: "4500011039"}},
		{"keep me posted on anything that changes at Bäckerei Müller", "follow", `{"name":"Bäckerei Müller"}`,
			understand.Question{Intent: understand.StartFollowing, CustomerName: "Bäckerei Müller"}},
		{"plus besoin de me tenir au courant pour C001234", "unfollow", `{"code":"C001234"}`,
			understand.Question{Intent: understand.StopFollowing, CustomerCode: "C001234"}},
		{"c'est quoi la liste des trucs que je surveille ?", "list_followed", `{}`,
			understand.Question{Intent: understand.Following}},
		{"est-ce que le crédit peut débloquer la 4500011039, le client a viré 20 000 € ce matin", "request_release",
			`{"number":"4500011039","reason":"le client a viré 20 000 € ce matin"}`,
			understand.Question{Intent: understand.AskRelease, Number: "4500011039", Note: "le client a viré 20 000 € ce matin"}},
		{"could credit unlock 4500011039 please", "request_release", `{"number":"4500011039","reason":"VIP customer, paid in full"}`,
			understand.Question{Intent: understand.AskRelease, Number: "4500011039"}},
	})
	// Every tool's schema is offered, its required arguments named.
	var req struct {
		Tools []struct {
			Function struct {
				Name       string
				Parameters struct{ Required []string }
			}
		}
	}
	if err := json.Unmarshal(f.last().body, &req); err != nil {
		t.Fatal(err)
	}
	required := map[string][]string{}
	for _, tool := range req.Tools {
		required[tool.Function.Name] = tool.Function.Parameters.Required
	}
	for name, want := range map[string][]string{"orders_waiting_for_item": {"item"}, "follow": nil, "unfollow": nil,
		"list_followed": nil, "request_release": {"number"}} {
		if got, ok := required[name]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("tool %s: offered %v, required %v; want required %v", name, ok, got, want)
		}
	}
}

// TestNewerToolsRefuseInventions: a follow, an item or a release whose
// order, customer or item the message does not hold is not used.
func TestNewerToolsRefuseInventions(t *testing.T) {
	f := newFakeModel(t)
	r := reader(f, llm.Config{Failures: 100})
	const msg = "préviens-moi quand ça bouge chez Dupré"
	for _, c := range []struct{ tool, args string }{
		{"follow", `{"number":"4500099999"}`},
		{"follow", `{"name":"Carrefour"}`},
		{"follow", `{}`},
		{"unfollow", `{"code":"C009999"}`},
		{"orders_waiting_for_item", `{"item":"levure fraîche"}`},
		{"request_release", `{"number":"4500011039"}`},
		{"request_release", `{"number":"4500011039","note":"x"}`},
		{"list_followed", `{"number":"4500011039","sql":"DELETE"}`},
	} {
		f.answer(toolCall(c.tool, c.args))
		if got, err := r.Read(context.Background(), msg); err == nil {
			t.Errorf("%s(%s) read as %+v", c.tool, c.args, got)
		}
	}
}
