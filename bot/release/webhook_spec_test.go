package release_test

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/orderbot/orderbot/bot/release"
)

// TestWebhookInTheSpec: the OpenAPI spec describes the webhook's body
// with the fields Decision sends, every one required, and its headers.
func TestWebhookInTheSpec(t *testing.T) {
	data, err := os.ReadFile("../../orders/orderapi/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string       `yaml:"required"`
				Properties map[string]any `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]reflect.Type{"ReleaseDecision": reflect.TypeFor[release.Decision](), "ReleasePerson": reflect.TypeFor[release.Person]()} {
		schema := spec.Components.Schemas[name]
		var fields []string
		for i := range typ.NumField() {
			tag, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fields = append(fields, tag)
			if _, ok := schema.Properties[tag]; !ok {
				t.Errorf("%s: the spec lacks %s", name, tag)
			}
			if opts != "omitempty" && !slices.Contains(schema.Required, tag) {
				t.Errorf("%s: the spec does not require %s, which orderbot always sends", name, tag)
			}
		}
		for p := range schema.Properties {
			if !slices.Contains(fields, p) {
				t.Errorf("%s: the spec has %s, which orderbot does not send", name, p)
			}
		}
	}
	for _, h := range []string{release.SignatureHeader, release.IdempotencyHeader} {
		if !strings.Contains(string(data), "name: "+h) {
			t.Errorf("the spec does not describe the header %s", h)
		}
	}
}
