package catalog_test

import (
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot/catalog"
	"github.com/orderbot/orderbot/orders"
)

const sample = `
digest.title:
  fr: "Digest du {{.Day}} — {{.Rep}}"
  en: "Digest of {{.Day}} — {{.Rep}}"
orders.count:
  fr: {one: "{{.Count}} commande", other: "{{.Count}} commandes"}
  en: {one: "{{.Count}} order", other: "{{.Count}} orders"}
people.count:
  fr: {one: "{{.Count}} personne", other: "{{.Count}} personnes"}
  en: {one: "{{.Count}} person", other: "{{.Count}} people"}
`

func TestRender(t *testing.T) {
	c, err := catalog.Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang orders.Language
		id   string
		n    int
		args catalog.Args
		want string
	}{
		{orders.French, "digest.title", -1, catalog.Args{"Day": "27/11/2026", "Rep": "Éric"}, "Digest du 27/11/2026 — Éric"},
		{orders.English, "digest.title", -1, catalog.Args{"Rep": "Eric", "Day": "Nov 27, 2026"}, "Digest of Nov 27, 2026 — Eric"},
		{orders.English, "digest.title", -1, catalog.Args{"Day": "Nov 27, 2026"}, "Digest of Nov 27, 2026 — ⟦Rep⟧"},
		{orders.English, "digest.title", -1, catalog.Args{"Day": "Nov 27, 2026", "Rep": " "}, "Digest of Nov 27, 2026 — ⟦Rep⟧"},
		// CLDR: French "one" covers 0 and 1, English "one" only 1.
		{orders.French, "orders.count", 0, nil, "0 commande"},
		{orders.French, "orders.count", 1, nil, "1 commande"},
		{orders.French, "orders.count", 2, nil, "2 commandes"},
		{orders.English, "orders.count", 0, nil, "0 orders"},
		{orders.English, "orders.count", 1, nil, "1 order"},
		{orders.English, "people.count", 1, nil, "1 person"},
		{orders.English, "people.count", 12, nil, "12 people"},
		{orders.English, "orders.count", 12000, nil, "12,000 orders"},
		{orders.French, "orders.count", 12000, nil, "12\u00a0000 commandes"},
		{orders.English, "no.such", -1, nil, "⟦no.such⟧"},
		{"de", "orders.count", 3, nil, "3 commandes"},
	}
	for _, tc := range cases {
		var got string
		if tc.n < 0 {
			got = c.In(tc.lang).T(tc.id, tc.args)
		} else {
			got = c.In(tc.lang).N(tc.id, tc.n, tc.args)
		}
		if got != tc.want {
			t.Errorf("%s %s %d %v = %q, want %q", tc.lang, tc.id, tc.n, tc.args, got, tc.want)
		}
	}
	if got := c.In(orders.English).T("orders.count", nil); !strings.Contains(got, "⟦Count⟧") {
		t.Errorf("a plural rendered without a count = %q, want ⟦Count⟧ in it", got)
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[string]string{
		"one language":       "a:\n  fr: bonjour\n",
		"other arguments":    "a:\n  fr: \"{{.Customer}}\"\n  en: \"{{.Client}}\"\n",
		"plural in one only": "a:\n  fr: {one: \"{{.Count}} x\", other: \"{{.Count}} xs\"}\n  en: \"{{.Count}} x\"\n",
		"plural sans count":  "a:\n  fr: {one: x, other: xs}\n  en: {one: x, other: xs}\n",
		"no other form":      "a:\n  fr: {one: \"{{.Count}}\"}\n  en: {one: \"{{.Count}}\"}\n",
		"unknown form":       "a:\n  fr: {one: \"{{.Count}}\", other: \"{{.Count}}\", lots: x}\n  en: {one: \"{{.Count}}\", other: \"{{.Count}}\"}\n",
		"third language":     "a:\n  fr: x\n  en: x\n  de: x\n",
		"not yaml":           "a: [",
	}
	for name, src := range cases {
		if _, err := catalog.Parse([]byte(src)); err == nil {
			t.Errorf("%s: parsed, want an error", name)
		}
	}
	if _, err := catalog.Parse([]byte(sample), []byte("digest.title:\n  fr: x\n  en: x\n")); err == nil {
		t.Errorf("an id in two sources: parsed, want an error")
	}
}

func TestLint(t *testing.T) {
	cases := []struct {
		text string
		lang orders.Language
		data []string
		bad  bool
	}{
		{"Digest of Nov 27: 2 newly blocked orders", orders.English, nil, false},
		{"Digest of Nov 27: %!(EXTRA string=€346.00)", orders.English, nil, true},
		{"Next step: ⟦Who⟧", orders.English, nil, true},
		{"Still blocked: 3 commandes", orders.English, nil, true},
		{"Toujours bloquées : 3 orders", orders.French, nil, true},
		{"Order 11039 · encours dépassé pour le client", orders.English, []string{"encours dépassé pour le client"}, false},
		{"Commande 11039 · 1 200,00 €", orders.French, nil, false},
	}
	for _, tc := range cases {
		if got := catalog.Lint(tc.text, tc.lang, tc.data...); (len(got) > 0) != tc.bad {
			t.Errorf("Lint(%q, %s) = %v, want problems: %v", tc.text, tc.lang, got, tc.bad)
		}
	}
}
