package slackapp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// webAPIScope is what one method of slack-go's Client asks of Slack: the
// Web API methods it calls and the bot scopes they need, as Slack's
// reference page of each method gives them (docs.slack.dev/reference/methods).
type webAPIScope struct {
	methods []string
	scopes  []string
}

// webAPIScopes lists every method of slack.Client that orderbot calls.
// TestManifestScopes keeps it in step with the code.
func webAPIScopes() map[string]webAPIScope {
	// conversations.history and .replies read the channel of a delivery:
	// a public or private channel, or a direct message (never a group DM).
	history := []string{"channels:history", "groups:history", "im:history"}
	return map[string]webAPIScope{
		"AuthTestContext": {[]string{"auth.test"}, nil},
		// chat:write.public: alerts and digests go to reps' channels the
		// bot was not invited to.
		"PostMessageContext":      {[]string{"chat.postMessage"}, []string{"chat:write", "chat:write.public"}},
		"UpdateMessageContext":    {[]string{"chat.update"}, []string{"chat:write"}},
		"OpenConversationContext": {[]string{"conversations.open"}, []string{"im:write"}}, // one user: a DM
		// channels:join: to read its own post again, or share the
		// summary's table, in a public channel it posted in without being
		// a member (chat:write.public), orderbot joins it.
		"JoinConversationContext":       {[]string{"conversations.join"}, []string{"channels:join"}},
		"GetConversationHistoryContext": {[]string{"conversations.history"}, history},
		"GetConversationRepliesContext": {[]string{"conversations.replies"}, history},
		"UploadFileContext":             {[]string{"files.getUploadURLExternal", "files.completeUploadExternal"}, []string{"files:write"}},
		// users:read.email: the directory finds people by e-mail address.
		"GetUserInfoContext": {[]string{"users.info"}, []string{"users:read", "users:read.email"}},
		// A modal opened with a click's trigger, and a person's Home tab:
		// no scope.
		"OpenViewContext":    {[]string{"views.open"}, nil},
		"PublishViewContext": {[]string{"views.publish"}, nil},
	}
}

// eventScopes are the bot scopes each event subscription needs.
func eventScopes() map[string]string {
	// app_home_opened needs no scope ("" below).
	return map[string]string{"app_mention": "app_mentions:read", "message.im": "im:history", "app_home_opened": ""}
}

// notWebAPI are the methods of slack.Client that call no Web API method
// (and share names with, say, slog.Logger's).
func notWebAPI() []string { return []string{"Debug", "Debugf", "Debugln", "NewRTM"} }

// manifest is what TestManifestScopes reads of manifest.yaml.
type manifest struct {
	Features struct {
		SlashCommands []struct {
			Command string `yaml:"command"`
		} `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuth struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
	} `yaml:"settings"`
}

// clientCalls returns where orderbot's code (not its tests) calls each
// method of slack.Client, found by name in the packages that import
// slack-go: any call of a method so named counts, whatever its receiver,
// so that none is missed.
func clientCalls(t *testing.T) map[string][]string {
	t.Helper()
	names := map[string]bool{}
	client := reflect.TypeFor[*slack.Client]()
	for i := range client.NumMethod() {
		names[client.Method(i).Name] = true
	}
	for _, n := range notWebAPI() {
		delete(names, n)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module's root: %v", err)
	}
	type call struct{ name, at string }
	byDir := map[string][]call{}
	usesSlack := map[string]bool{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		for _, imp := range f.Imports {
			if imp.Path.Value == `"github.com/slack-go/slack"` {
				usesSlack[dir] = true
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && names[sel.Sel.Name] {
				pos := fset.Position(sel.Sel.Pos())
				rel, _ := filepath.Rel(root, pos.Filename)
				byDir[dir] = append(byDir[dir], call{sel.Sel.Name, rel + ":" + strconv.Itoa(pos.Line)})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string][]string{}
	for dir, cs := range byDir {
		if !usesSlack[dir] {
			continue
		}
		for _, c := range cs {
			calls[c.name] = append(calls[c.name], c.at)
		}
	}
	return calls
}

// TestManifestScopes: the manifest asks for every bot scope that the Web
// API methods orderbot calls, the events it subscribes to and its slash
// commands need, and for no other.
func TestManifestScopes(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.yaml: %v", err)
	}
	need := map[string][]string{} // scope: who needs it
	table := webAPIScopes()
	calls := clientCalls(t)
	for name, at := range calls {
		w, ok := table[name]
		if !ok {
			t.Errorf("%s calls slack.Client.%s, which webAPIScopes does not list: add the Web API methods it calls and the bot scopes Slack's reference gives them", at[0], name)
			continue
		}
		for _, s := range w.scopes {
			need[s] = append(need[s], strings.Join(w.methods, ", ")+" ("+at[0]+")")
		}
	}
	for name := range table {
		if calls[name] == nil {
			t.Errorf("webAPIScopes lists slack.Client.%s, which nothing calls any more: take it out", name)
		}
	}
	events := eventScopes()
	for _, e := range m.Settings.EventSubscriptions.BotEvents {
		s, ok := events[e]
		if !ok {
			t.Errorf("manifest.yaml subscribes to %s, whose scope eventScopes does not know", e)
			continue
		}
		if s != "" {
			need[s] = append(need[s], "the "+e+" event")
		}
	}
	if len(m.Features.SlashCommands) > 0 {
		need["commands"] = append(need["commands"], "slash commands")
	}
	// The buttons of answers and alerts (Follow, I'm on it...) come back
	// as interactions, over Socket Mode or to /slack/interactivity.
	if !m.Settings.Interactivity.IsEnabled {
		t.Errorf("manifest.yaml: settings.interactivity.is_enabled is not true: no button of orderbot's would answer")
	}
	have := m.OAuth.Scopes.Bot
	for s, who := range need {
		if !slices.Contains(have, s) {
			t.Errorf("manifest.yaml: oauth_config.scopes.bot lacks %s, which %s needs", s, strings.Join(who, "; "))
		}
	}
	for _, s := range have {
		if need[s] == nil {
			t.Errorf("manifest.yaml: oauth_config.scopes.bot asks for %s, which nothing orderbot does needs", s)
		}
	}
}
