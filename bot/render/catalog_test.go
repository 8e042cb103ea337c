package render

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderbot/orderbot/bot/catalog"
)

// TestCatalog: the embedded catalog parses, every message in it is used by
// the code (a dead message is a wording nobody reads, or a call whose id
// was mistyped), and every id the code asks for is in it.
func TestCatalog(t *testing.T) {
	c, err := catalog.Parse(messagesYAML)
	if err != nil {
		t.Fatalf("bot/render/messages.yaml: %v", err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var code strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		code.Write(b)
	}
	src := code.String()
	ids := c.IDs()
	for _, id := range ids {
		if !strings.Contains(src, `"`+id+`"`) {
			t.Errorf("message %s is in messages.yaml but no code uses it", id)
		}
	}
	calls := regexp.MustCompile(`\.(?:t|n|T|N)\("([^"]+)"`).FindAllStringSubmatch(src, -1)
	if len(calls) == 0 {
		t.Fatal("found no call of the catalog in the code: the scan is broken")
	}
	for _, call := range calls {
		if !slices.Contains(ids, call[1]) {
			t.Errorf("the code asks for message %s, which messages.yaml does not have", call[1])
		}
	}
}
