package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/orderbot/orderbot/orders/ingest"
)

// env returns a getenv that sees only vars.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

// writeFile writes content to name in a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// same reports whether a and b hold the same settings; Config holds a map,
// so == does not apply.
func same(a, b Config) bool {
	return reflect.DeepEqual(a, b)
}

// assertOneLine fails unless err is a single-line error holding every want.
func assertOneLine(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error spans several lines:\n%s", msg)
	}
	if !strings.HasPrefix(msg, "config: ") {
		t.Errorf("error %q does not start with \"config: \"", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
}

func TestDefaultsAreValid(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatalf("Defaults().Validate() = %v", err)
	}
	if err := Defaults().RequireSlack(); err == nil {
		t.Error("Defaults().RequireSlack() = nil, want an error: the defaults hold no Slack token")
	}
}

func TestLoadWithoutFileGivesDefaults(t *testing.T) {
	t.Chdir(t.TempDir()) // no orderbot.yaml here
	for _, getenv := range []func(string) string{nil, env(nil)} {
		got, err := Load("", getenv)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if !same(got, Defaults()) {
			t.Errorf("Load(\"\") =\n%s\nwant the defaults\n%s", got, Defaults())
		}
	}
}

func TestLoadReadsOrderbotYAMLInCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, DefaultFile), []byte("bot:\n  language: en\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	got, err := Load("", env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.Bot.Language != "en" {
		t.Errorf("bot.language = %q, want en from ./%s", got.Bot.Language, DefaultFile)
	}
}

func TestLoadPrecedence(t *testing.T) {
	tests := []struct {
		name string
		file string // "" means no file
		env  map[string]string
		want func(*Config) // applied to Defaults()
	}{
		{
			name: "file overrides defaults",
			file: `
database:
  url: postgres://orderbot@db.internal:5432/orders
  max_conns: 20
  migrate_on_start: false
slack:
  mode: http
  http_addr: 127.0.0.1:9000
  slash_ephemeral: false
llm:
  base_url: http://localhost:11434/v1
  model: llama3
  timeout: 2s
  max_tokens: 256
bot:
  language: en
  access: own
  timezone: America/Montreal
  stale_after: 48h
  order_number_pattern: 'CMD\d{6}'
  list_limit: 100
import:
  max_close_share: 0.5
  max_errors: 20
log:
  level: debug
  format: json
`,
			want: func(c *Config) {
				c.Database = DatabaseConfig{URL: "postgres://orderbot@db.internal:5432/orders", MaxConns: 20, MigrateOnStart: false}
				c.Slack.Mode, c.Slack.HTTPAddr, c.Slack.SlashEphemeral = "http", "127.0.0.1:9000", false
				c.LLM = LLMConfig{BaseURL: "http://localhost:11434/v1", Model: "llama3", Timeout: 2 * time.Second, MaxTokens: 256}
				c.Bot = BotConfig{Language: "en", Access: "own", Timezone: "America/Montreal", StaleAfter: 48 * time.Hour, OrderNumberPattern: `CMD\d{6}`, ListLimit: 100}
				c.Import.MaxCloseShare, c.Import.MaxErrors = 0.5, 20
				c.Log = LogConfig{Level: "debug", Format: "json"}
			},
		},
		{
			name: "environment overrides file",
			file: "bot:\n  language: en\n  stale_after: 48h\ndatabase:\n  max_conns: 20\nimport:\n  max_close_share: 0.5\n",
			env:  map[string]string{"ORDERBOT_BOT_LANGUAGE": "fr", "ORDERBOT_BOT_STALE_AFTER": "1h30m", "ORDERBOT_DATABASE_MAX_CONNS": "4", "ORDERBOT_IMPORT_MAX_CLOSE_SHARE": "0.75"},
			want: func(c *Config) {
				c.Bot.StaleAfter = 90 * time.Minute
				c.Database.MaxConns = 4
				c.Import.MaxCloseShare = 0.75
			},
		},
		{
			name: "environment sets keys absent from the file",
			file: "log:\n  level: warn\n",
			env: map[string]string{
				"ORDERBOT_DATABASE_URL":              "postgres://u:pw@localhost/db",
				"ORDERBOT_DATABASE_MIGRATE_ON_START": "false",
				"ORDERBOT_SLACK_BOT_TOKEN":           "xoxb-1-2-3",
				"ORDERBOT_SLACK_APP_TOKEN":           "xapp-1-2-3",
				"ORDERBOT_SLACK_SIGNING_SECRET":      "shh",
				"ORDERBOT_SLACK_API_URL":             "http://127.0.0.1:1234/api/",
				"ORDERBOT_LLM_BASE_URL":              "https://api.openai.com/v1",
				"ORDERBOT_LLM_API_KEY":               "sk-test",
				"ORDERBOT_LLM_MODEL":                 "gpt-4o-mini",
				"ORDERBOT_LLM_TIMEOUT":               "10s",
				"ORDERBOT_SLACK_SLASH_EPHEMERAL":     "false",
			},
			want: func(c *Config) {
				c.Log.Level = "warn"
				c.Database.URL = "postgres://u:pw@localhost/db"
				c.Database.MigrateOnStart = false
				c.Slack.BotToken, c.Slack.AppToken, c.Slack.SigningSecret = "xoxb-1-2-3", "xapp-1-2-3", "shh"
				c.Slack.APIURL = "http://127.0.0.1:1234/api/"
				c.Slack.SlashEphemeral = false
				c.LLM = LLMConfig{BaseURL: "https://api.openai.com/v1", APIKey: "sk-test", Model: "gpt-4o-mini", Timeout: 10 * time.Second, MaxTokens: 512}
			},
		},
		{
			name: "environment without a file",
			env:  map[string]string{"ORDERBOT_BOT_LIST_LIMIT": "30", "ORDERBOT_LOG_FORMAT": "text", "ORDERBOT_IMPORT_MAX_CLOSE_SHARE": "1", "ORDERBOT_IMPORT_MAX_ERRORS": "5"},
			want: func(c *Config) {
				c.Bot.ListLimit, c.Log.Format = 30, "text"
				c.Import.MaxCloseShare, c.Import.MaxErrors = 1, 5
			},
		},
		{
			name: "empty sections and values keep the defaults",
			file: "database:\nslack:\n  mode:\nllm:\n  # model: x\nbot:\n  language: en\nimport:\n  max_errors:\n  profiles:\n",
			want: func(c *Config) { c.Bot.Language = "en" },
		},
		{
			name: "keys are case-insensitive and anchors work",
			file: "Bot: &b\n  Language: en\nlog:\n  <<: {level: error}\n",
			want: func(c *Config) { c.Bot.Language, c.Log.Level = "en", "error" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			path := ""
			if tt.file != "" {
				path = writeFile(t, "orderbot.yaml", tt.file)
			}
			got, err := Load(path, env(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := Defaults()
			tt.want(&want)
			if !same(got, want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, want)
				// The YAML hides secrets; compare them separately.
				if got.Slack != want.Slack || got.LLM.APIKey != want.LLM.APIKey || got.Database.URL != want.Database.URL {
					t.Errorf("secrets or database.url differ")
				}
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name   string
		file   string // "" means no file
		env    map[string]string
		want   []string // substrings of the error
		secret []string // substrings the error must not show
	}{
		{name: "database url not a url", file: "database:\n  url: not a url\n", want: []string{"database.url", `"not a url" is not a PostgreSQL URL`, "orderbot.yaml line 2"}},
		{name: "database url other scheme", env: map[string]string{"ORDERBOT_DATABASE_URL": "mysql://root:hunter2@db/orders"}, want: []string{"database.url", "ORDERBOT_DATABASE_URL"}, secret: []string{"hunter2"}},
		{name: "database url without host", file: "database:\n  url: postgres://u:hunter2@/orders\n", want: []string{"database.url", "u:xxxxx@"}, secret: []string{"hunter2"}},
		{name: "database url pgx rejects", file: "database:\n  url: postgres://u:hunter2@db/orders?sslmode=bogus\n", want: []string{"database.url", "sslmode"}, secret: []string{"hunter2"}},
		{name: "database url bad port", file: "database:\n  url: postgres://u:hunter2@db:port/orders\n", want: []string{"database.url"}, secret: []string{"hunter2"}},
		{name: "max_conns not a number", file: "database:\n  max_conns: ten\n", want: []string{"database.max_conns", `"ten" is not a whole number`}},
		{name: "max_conns zero", env: map[string]string{"ORDERBOT_DATABASE_MAX_CONNS": "0"}, want: []string{"database.max_conns", "ORDERBOT_DATABASE_MAX_CONNS"}},
		{name: "max_conns not whole", file: "database:\n  max_conns: 1.5\n", want: []string{"database.max_conns", "1.5 is not a whole number"}},
		{name: "max_conns overflows int32", file: "database:\n  max_conns: 99999999999\n", want: []string{"database.max_conns", "too large"}},
		{name: "number for a bool", file: "slack:\n  slash_ephemeral: 5\n", want: []string{"slack.slash_ephemeral", "true or false"}},
		{name: "bool not a bool", env: map[string]string{"ORDERBOT_DATABASE_MIGRATE_ON_START": "maybe"}, want: []string{"database.migrate_on_start", "true or false"}},
		{name: "unknown language", file: "bot:\n  language: de\n", want: []string{"bot.language", `"de" is not a supported language (fr, en)`}},
		{name: "bad timezone", file: "bot:\n  timezone: Mars/Olympus_Mons\n", want: []string{"bot.timezone", "Mars/Olympus_Mons"}},
		{name: "bad access", file: "bot:\n  access: some\n", want: []string{"bot.access"}},
		{name: "bad slack mode", env: map[string]string{"ORDERBOT_SLACK_MODE": "pigeon"}, want: []string{"slack.mode", `"pigeon"`, "ORDERBOT_SLACK_MODE"}},
		{name: "api url without trailing slash", file: "slack:\n  api_url: https://slack.com/api\n", want: []string{"slack.api_url", `must end with "/"`}},
		{name: "api url not http", file: "slack:\n  api_url: ftp://slack.com/api/\n", want: []string{"slack.api_url", "not an http(s) URL"}},
		{name: "bad http addr", file: "slack:\n  http_addr: \"8080\"\n", want: []string{"slack.http_addr"}},
		{name: "bot token wrong prefix", env: map[string]string{"ORDERBOT_SLACK_BOT_TOKEN": "tok-hunter2"}, want: []string{"slack.bot_token", "xoxb-"}, secret: []string{"hunter2"}},
		{name: "tokens swapped", env: map[string]string{"ORDERBOT_SLACK_BOT_TOKEN": "xapp-hunter2", "ORDERBOT_SLACK_APP_TOKEN": "xoxb-hunter3"}, want: []string{"slack.bot_token", "slack.app_token", "app-level token"}, secret: []string{"hunter2", "hunter3"}},
		{name: "secret of the wrong shape", file: "slack:\n  bot_token: [xoxb-hunter2]\n", want: []string{"slack.bot_token", "single value"}, secret: []string{"hunter2"}},
		{name: "llm base url not a url", env: map[string]string{"ORDERBOT_LLM_BASE_URL": "localhost:11434", "ORDERBOT_LLM_MODEL": "m"}, want: []string{"llm.base_url"}},
		{name: "llm model missing", env: map[string]string{"ORDERBOT_LLM_BASE_URL": "http://localhost:11434/v1"}, want: []string{"llm.model", "required when llm.base_url is set"}},
		{name: "duration without unit", file: "llm:\n  timeout: 5\n", want: []string{"llm.timeout", "not a duration"}},
		{name: "duration garbage", env: map[string]string{"ORDERBOT_BOT_STALE_AFTER": "a day"}, want: []string{"bot.stale_after", `"a day" is not a duration`, "ORDERBOT_BOT_STALE_AFTER"}},
		{name: "duration not positive", file: "bot:\n  stale_after: -1h\n", want: []string{"bot.stale_after", "not a positive duration"}},
		{name: "max tokens zero", file: "llm:\n  max_tokens: 0\n", want: []string{"llm.max_tokens"}},
		{name: "pattern does not compile", file: "bot:\n  order_number_pattern: '[0-9'\n", want: []string{"bot.order_number_pattern", "not a Go regular expression"}},
		{name: "pattern matches empty", file: "bot:\n  order_number_pattern: '\\d*'\n", want: []string{"bot.order_number_pattern", "matches an empty text"}},
		{name: "pattern matches empty inside a message", file: "bot:\n  order_number_pattern: '\\d{4,}|\\b'\n", want: []string{"bot.order_number_pattern", "matches an empty text"}},
		{name: "list limit too high", file: "bot:\n  list_limit: 101\n", want: []string{"bot.list_limit", "1 to 100"}},
		{name: "bad log level", file: "log:\n  level: verbose\n", want: []string{"log.level"}},
		{name: "bad log format", file: "log:\n  format: xml\n", want: []string{"log.format"}},
		{name: "unknown key", file: "slack:\n  mode: socket\n  bot_tokn: xoxb-hunter2\n", want: []string{"unknown key slack.bot_tokn in ", "orderbot.yaml line 3", "did you mean slack.bot_token?"}},
		{name: "key in the wrong section", file: "bot:\n  api_url: https://slack.com/api/\n", want: []string{"unknown key bot.api_url", "did you mean slack.api_url?"}},
		{name: "unknown section", file: "slak:\n  mode: http\n", want: []string{"unknown key slak"}},
		{name: "section given a value", file: "slack: socket\n", want: []string{"slack in ", "want the keys of the section"}},
		{name: "not a mapping", file: "- database\n", want: []string{"orderbot.yaml line 1", "top level"}},
		{name: "yaml syntax error", file: "bot:\n  language: [en\n", want: []string{"cannot parse ", "orderbot.yaml"}},
		{name: "max_close_share zero", file: "import:\n  max_close_share: 0\n", want: []string{"import.max_close_share: 0 is out of range", "orderbot.yaml line 2"}},
		{name: "max_close_share above one", file: "import:\n  max_close_share: 1.5\n", want: []string{"import.max_close_share: 1.5 is out of range"}},
		{name: "max_close_share above one from env", env: map[string]string{"ORDERBOT_IMPORT_MAX_CLOSE_SHARE": "1.5"}, want: []string{"import.max_close_share: 1.5 is out of range", "ORDERBOT_IMPORT_MAX_CLOSE_SHARE"}},
		{name: "max_close_share negative", env: map[string]string{"ORDERBOT_IMPORT_MAX_CLOSE_SHARE": "-0.1"}, want: []string{"import.max_close_share"}},
		{name: "max_close_share NaN", env: map[string]string{"ORDERBOT_IMPORT_MAX_CLOSE_SHARE": "NaN"}, want: []string{"import.max_close_share: NaN is out of range"}},
		{name: "max_close_share a percentage", file: "import:\n  max_close_share: 30%\n", want: []string{"import.max_close_share", `"30%" is not a number`}},
		{name: "max_close_share a bool", file: "import:\n  max_close_share: true\n", want: []string{"import.max_close_share", "not a number"}},
		{name: "max_errors zero", env: map[string]string{"ORDERBOT_IMPORT_MAX_ERRORS": "0"}, want: []string{"import.max_errors: 0 is out of range (want 1 or more)", "ORDERBOT_IMPORT_MAX_ERRORS"}},
		{name: "max_errors not whole", file: "import:\n  max_errors: 2.5\n", want: []string{"import.max_errors", "2.5 is not a whole number"}},
		{name: "profiles given a value", file: "import:\n  profiles: sage\n", want: []string{"import.profiles in ", "line 2", "want one profile per name"}},
		{name: "profiles key misspelt", file: "import:\n  profile:\n    sage: {}\n", want: []string{"unknown key import.profile in ", "did you mean import.profiles?"}},
		{name: "next step of an unknown status", file: "bot:\n  next_steps:\n    blocked:\n      fr: Appeler\n", want: []string{"bot.next_steps.blocked", "not an order status"}},
		{name: "next step in an unknown language", file: "bot:\n  next_steps:\n    credit_limit:\n      de: Anrufen\n", want: []string{"bot.next_steps.credit_limit.de", "not a supported language"}},
		{name: "next step empty", file: "bot:\n  next_steps:\n    credit_limit:\n      fr: ' '\n", want: []string{"bot.next_steps.credit_limit.fr", "empty"}},
		{name: "tracking URL without the number", file: "bot:\n  tracking_urls:\n    DHL: https://www.dhl.com/suivi\n", want: []string{"bot.tracking_urls.DHL", "{tracking}"}},
		{name: "tracking URL not a URL", file: "bot:\n  tracking_urls:\n    DHL: 'dhl.com/{tracking}'\n", want: []string{"bot.tracking_urls.DHL", "not an http or https URL"}},
		{name: "tracking URL Slack cannot link", file: "bot:\n  tracking_urls:\n    UPS: 'https://ups.example/t?n={tracking}|x'\n", want: []string{"bot.tracking_urls.UPS", "a link in Slack cannot"}},
		{name: "tracking URLs not a mapping", file: "bot:\n  tracking_urls: https://www.dhl.com/{tracking}\n", want: []string{"bot.tracking_urls", "line 2", "want a carrier"}},
		{name: "next steps not a mapping", file: "bot:\n  next_steps: call finance\n", want: []string{"bot.next_steps", "line 2", "want a status"}},
		{name: "digest days", file: "digest:\n  days: lundi-vendredi\n", want: []string{"digest.days", "not a list of days"}},
		{name: "digest time", env: map[string]string{"ORDERBOT_DIGEST_TIME": "8h30"}, want: []string{"digest.time", "HH:MM", "ORDERBOT_DIGEST_TIME"}},
		{name: "digest missed", file: "digest:\n  missed: never\n", want: []string{"digest.missed", "late, skip"}},
		{name: "alerts max tries", file: "alerts:\n  max_tries: 0\n", want: []string{"alerts.max_tries", "1 to 100"}},
		{name: "alerts escalate after days", file: "alerts:\n  escalate_after_days: -1\n", want: []string{"alerts.escalate_after_days", "0 to 60"}},
		{name: "alerts holidays", file: "alerts:\n  holidays: 2026-12-25,25/12/2026\n", want: []string{"alerts.holidays", `"25/12/2026" is not a date`}},
		{name: "several problems in key order", file: "bot:\n  language: de\nlog:\n  level: loud\n", env: map[string]string{"ORDERBOT_SLACK_MODE": "x"}, want: []string{"slack.mode: ", "; bot.language: ", "; log.level: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, "orderbot.yaml", tt.file)
			}
			_, err := Load(path, env(tt.env))
			assertOneLine(t, err, tt.want...)
			for _, s := range tt.secret {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q shows the secret %q", err, s)
				}
			}
		})
	}
}

func TestLoadMissingExplicitFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path, env(nil))
	assertOneLine(t, err, path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
	}
}

func TestValidateReportsEveryKeyInOrder(t *testing.T) {
	err := Config{}.Validate()
	assertOneLine(t, err)
	msg := err.Error()
	last := -1
	for _, key := range []string{"database.max_conns", "slack.mode", "slack.api_url", "slack.http_addr", "llm.timeout", "llm.max_tokens", "bot.language", "bot.access", "bot.timezone", "bot.stale_after", "bot.order_number_pattern", "bot.list_limit", "import.max_close_share", "import.max_errors", "log.level", "log.format"} {
		i := strings.Index(msg, key+": ")
		if i < 0 {
			t.Errorf("%q does not report %s", msg, key)
			continue
		}
		if i < last {
			t.Errorf("%s is reported out of key order in %q", key, msg)
		}
		last = i
	}
}

func TestDatabaseURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"", true},
		{"postgres://orderbot:pw@localhost:5432/orders", true},
		{"postgresql://localhost/orders?sslmode=disable", true},
		{"postgres:///orders?host=/var/run/postgresql", true},
		{"host=localhost dbname=orders user=orderbot password='p w'", true},
		{"not a url", false},
		{"localhost:5432/orders", false},
		{"postgres://", false},
		{"postgres:///orders", false},
		{"http://localhost/orders", false},
		{"postgres://localhost:99999999/orders", false},
	}
	for _, tt := range tests {
		c := Defaults()
		c.Database.URL = tt.url
		err := c.Validate()
		if tt.ok && err != nil {
			t.Errorf("database.url %q: %v", tt.url, err)
		}
		if !tt.ok {
			assertOneLine(t, err, "database.url")
		}
	}
}

func TestRequireSlack(t *testing.T) {
	tests := []struct {
		name     string
		mode     string
		bot, app string
		signing  string
		want     string // "" means no error
	}{
		{name: "socket complete", mode: "socket", bot: "xoxb-1", app: "xapp-1"},
		{name: "http complete", mode: "http", bot: "xoxb-1", signing: "s"},
		{name: "no bot token", mode: "socket", app: "xapp-1", want: "slack.bot_token: required to connect to Slack (set ORDERBOT_SLACK_BOT_TOKEN"},
		{name: "socket without app token", mode: "socket", bot: "xoxb-1", signing: "s", want: "slack.app_token: required in socket mode"},
		{name: "http without signing secret", mode: "http", bot: "xoxb-1", app: "xapp-1", want: "slack.signing_secret: required in http mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			c.Slack.Mode, c.Slack.BotToken, c.Slack.AppToken, c.Slack.SigningSecret = tt.mode, tt.bot, tt.app, tt.signing
			err := c.RequireSlack()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("RequireSlack() = %v", err)
				}
				return
			}
			assertOneLine(t, err, tt.want)
		})
	}
}

func TestRedaction(t *testing.T) {
	secrets := []string{"xoxb-SECRET1", "xapp-SECRET2", "SECRET3", "sk-SECRET4", "SECRETPW"}
	tests := []struct {
		name, url, wantURL string
	}{
		{"url", "postgres://orderbot:SECRETPW@db.example.com:5432/orders?sslmode=require", "postgres://orderbot:xxxxx@db.example.com:5432/orders?sslmode=require"},
		{"url query password", "postgres://orderbot@db.example.com/orders?password=SECRETPW&sslpassword=SECRETPW", "postgres://orderbot@db.example.com/orders?password=xxxxx&sslpassword=xxxxx"},
		{"key=value", "host=db.example.com dbname=orders password=SECRETPW sslmode=require", "host=db.example.com dbname=orders password=xxxxx sslmode=require"},
		{"key=value quoted", "host=db.example.com password='SECRETPW \\' x' dbname=orders", "host=db.example.com password=xxxxx dbname=orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			c.Database.URL = tt.url
			c.Slack.BotToken, c.Slack.AppToken, c.Slack.SigningSecret = secrets[0], secrets[1], secrets[2]
			c.LLM.BaseURL, c.LLM.Model, c.LLM.APIKey = "https://api.example.com/v1", "m", secrets[3]
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			orig := c

			r := c.Redacted()
			if !same(c, orig) {
				t.Error("Redacted changed its receiver")
			}
			if r.Database.URL != tt.wantURL {
				t.Errorf("redacted database.url = %q, want %q", r.Database.URL, tt.wantURL)
			}
			for _, s := range []string{r.Slack.BotToken, r.Slack.AppToken, r.Slack.SigningSecret, r.LLM.APIKey} {
				if s != Redaction {
					t.Errorf("redacted secret = %q, want %q", s, Redaction)
				}
			}

			y, err := c.YAML()
			if err != nil {
				t.Fatalf("YAML: %v", err)
			}
			var jsonLog, textLog bytes.Buffer
			slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("start", "config", c)
			slog.New(slog.NewTextHandler(&textLog, nil)).Info("start", "config", c)
			outputs := map[string]string{
				"YAML":     string(y),
				"String":   c.String(),
				"%v":       fmt.Sprintf("%v", c),
				"%+v":      fmt.Sprintf("%+v", c),
				"%#v":      fmt.Sprintf("%#v", c),
				"%v ptr":   fmt.Sprintf("%v", &c),
				"Slack":    fmt.Sprint(c.Slack),
				"LLM":      fmt.Sprint(c.LLM),
				"Database": fmt.Sprint(c.Database),
				"slog":     jsonLog.String() + textLog.String(),
			}
			for name, out := range outputs {
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("%s shows the secret %q:\n%s", name, s, out)
					}
				}
				if name != "Database" && !strings.Contains(out, Redaction) {
					t.Errorf("%s does not contain %q:\n%s", name, Redaction, out)
				}
				if name != "Slack" && name != "LLM" && !strings.Contains(out, "db.example.com") {
					t.Errorf("%s lost the database host:\n%s", name, out)
				}
			}
		})
	}
}

func TestRedactedKeepsEmptySecretsEmpty(t *testing.T) {
	r := Defaults().Redacted()
	if !same(r, Defaults()) {
		t.Errorf("Redacted changed a configuration without secrets:\n%s", r)
	}
}

func TestYAMLLoadsBack(t *testing.T) {
	// No profiles: written as an empty mapping, read back as none.
	y, err := Defaults().YAML()
	if err != nil {
		t.Fatalf("YAML: %v", err)
	}
	if got, err := Load(writeFile(t, "defaults.yaml", string(y)), env(nil)); err != nil || !same(got, Defaults()) {
		t.Errorf("the defaults' YAML() does not load back: %v\n%s\ngot\n%s", err, y, got)
	}

	c := Defaults()
	c.Bot.StaleAfter = 36*time.Hour + 30*time.Minute
	c.LLM.Timeout = 1500 * time.Millisecond
	c.Bot.Language = "en"
	c.Database.URL = "postgres://orderbot@db.example.com/orders"
	c.Import.MaxCloseShare, c.Import.MaxErrors = 0.25, 7
	tricky := testProfile()
	tricky.Separator = "\t"
	tricky.Statuses = map[string]string{
		"Bloquée Crédit": "credit_limit", "Statut.": "open", "01": "picking", "yes": "invoiced",
		"Réf: X": "anomaly", " # x": "cancelled", "N° commande": "out_of_stock",
	}
	c.Import.Profiles = map[string]ingest.Profile{"sage_fr": testProfile(), "Tricky-2": tricky}
	y, err = c.YAML()
	if err != nil {
		t.Fatalf("YAML: %v", err)
	}
	for _, want := range []string{"stale_after: 36h30m0s", "\n  profiles:\n", "\n    sage_fr:\n", "Bloquée Crédit"} {
		if !strings.Contains(string(y), want) {
			t.Errorf("YAML() does not show %q:\n%s", want, y)
		}
	}
	got, err := Load(writeFile(t, "effective.yaml", string(y)), env(nil))
	if err != nil {
		t.Fatalf("loading YAML() output: %v\n%s", err, y)
	}
	if !same(got, c) {
		t.Errorf("YAML() does not load back:\n%s\ngot\n%s", y, got)
	}
}

func TestKeys(t *testing.T) {
	want := []string{
		"database.url", "database.max_conns", "database.migrate_on_start",
		"slack.mode", "slack.bot_token", "slack.app_token", "slack.signing_secret", "slack.api_url", "slack.http_addr", "slack.slash_ephemeral",
		"slack.question_lease",
		"llm.base_url", "llm.api_key", "llm.model", "llm.timeout", "llm.max_tokens",
		"bot.language", "bot.access", "bot.timezone", "bot.stale_after", "bot.order_number_pattern", "bot.list_limit",
		"import.max_close_share", "import.max_errors", "import.max_file_bytes", "import.max_rows", "import.max_field_bytes",
		"import.max_row_bytes", "import.max_xlsx_uncompressed_bytes", "import.max_shared_strings",
		"alerts.max_tries", "alerts.top", "alerts.escalate_after_days", "alerts.holidays",
		"digest.days", "digest.time", "digest.timezone", "digest.stalled_days", "digest.when_empty", "digest.missed",
		"digest.summary_channel", "digest.summary_time",
		"release.stale_after_hours", "release.webhook_url", "release.webhook_secret",
		"notify.auto_follow",
		"api.tokens", "api.token_hashes", "api.max_body",
		"log.level", "log.format",
	}
	if got := keys(); !slices.Equal(got, want) {
		t.Errorf("keys() =\n%q\nwant\n%q", got, want)
	}
	if got, want := fileOnlyKeys(), []string{"import.profiles", "bot.next_steps", "bot.tracking_urls", "release.routes"}; !slices.Equal(got, want) {
		t.Errorf("fileOnlyKeys() = %q, want %q", got, want)
	}
	// The YAML output must use the same names as the file.
	var c Config
	for _, f := range fields(&c) {
		_, leaf, _ := strings.Cut(f.key, ".")
		if !strings.Contains(c.String(), "\n  "+leaf+":") {
			t.Errorf("key %s does not appear in the YAML as %q", f.key, leaf)
		}
	}
	for key, name := range map[string]string{
		"database.url":           "ORDERBOT_DATABASE_URL",
		"slack.bot_token":        "ORDERBOT_SLACK_BOT_TOKEN",
		"slack.app_token":        "ORDERBOT_SLACK_APP_TOKEN",
		"slack.signing_secret":   "ORDERBOT_SLACK_SIGNING_SECRET",
		"slack.api_url":          "ORDERBOT_SLACK_API_URL",
		"llm.base_url":           "ORDERBOT_LLM_BASE_URL",
		"llm.api_key":            "ORDERBOT_LLM_API_KEY",
		"llm.model":              "ORDERBOT_LLM_MODEL",
		"bot.stale_after":        "ORDERBOT_BOT_STALE_AFTER",
		"import.max_close_share": "ORDERBOT_IMPORT_MAX_CLOSE_SHARE",
		"import.max_errors":      "ORDERBOT_IMPORT_MAX_ERRORS",
	} {
		if got := envName(key); got != name {
			t.Errorf("envName(%q) = %q, want %q", key, got, name)
		}
	}
}

// TestExampleFile keeps orderbot.example.yaml in step with Config: it must
// load, show the defaults, and document every key with its variable.
func TestExampleFile(t *testing.T) {
	const path = "../orderbot.example.yaml"
	got, err := Load(path, env(nil))
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	profiles := got.Import.Profiles
	got.Import.Profiles = nil
	if !same(got, Defaults()) {
		t.Errorf("%s does not show the defaults:\ngot\n%s\nwant\n%s", path, got, Defaults())
	}
	checkExampleProfile(t, profiles["sage_fr"])

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	comments := map[string]string{} // key → comment above it
	values := map[string]*yaml.Node{}
	root := doc.Content[0]
	for i := 0; i < len(root.Content); i += 2 {
		section := root.Content[i].Value
		m := root.Content[i+1]
		for j := 0; j < len(m.Content); j += 2 {
			key := section + "." + m.Content[j].Value
			comments[key] = m.Content[j].HeadComment
			values[key] = m.Content[j+1]
		}
	}
	for _, key := range keys() {
		comment, ok := comments[key]
		if !ok {
			t.Errorf("%s does not show key %s", path, key)
			continue
		}
		if !strings.Contains(comment, envName(key)) {
			t.Errorf("%s: the comment above %s does not name %s: %q", path, key, envName(key), comment)
		}
		if secretKey(key) {
			if !strings.Contains(comment, "set via "+envName(key)+" in the environment") {
				t.Errorf("%s: the comment above secret %s does not say to set it in the environment: %q", path, key, comment)
			}
			if values[key].Value != "" {
				t.Errorf("%s shows a value for secret %s", path, key)
			}
		} else if !strings.Contains(comment, "Default") {
			t.Errorf("%s: the comment above %s does not give the default: %q", path, key, comment)
		}
		delete(comments, key)
	}
	if comment := comments[profilesKey]; !strings.Contains(comment, "no variable") || !strings.Contains(comment, "Default: none") {
		t.Errorf("%s: the comment above %s does not say that profiles have no variable and no default: %q", path, profilesKey, comment)
	}
	delete(comments, profilesKey)
	for key := range comments {
		t.Errorf("%s shows %s, which Config does not know", path, key)
	}
}

// checkExampleProfile checks the example file's profile sage_fr, which the
// README shows too.
func checkExampleProfile(t *testing.T, p ingest.Profile) {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatalf("the example profile sage_fr does not validate: %v", err)
	}
	if p.Format != "csv" || p.Separator != ";" || p.Encoding != "windows-1252" || p.Decimal != "," || p.DateFormat != "dd/mm/yyyy" || p.PeopleBy != "email" {
		t.Errorf("sage_fr: format %q, separator %q, encoding %q, decimal %q, date_format %q, people_by %q; want csv ; windows-1252 , dd/mm/yyyy email",
			p.Format, p.Separator, p.Encoding, p.Decimal, p.DateFormat, p.PeopleBy)
	}
	wantColumns := map[string]string{
		"number": "N° commande", "customer_code": "Code client", "customer_name": "Raison sociale",
		"customer_ref": "Réf. client", "rep": "Commercial", "assistant": "ADV", "status": "Statut",
		"block_reason": "Motif blocage", "amount": "Montant HT", "ordered_on": "Date commande",
		"requested_on": "Date livraison souhaitée", "promised_on": "Date livraison confirmée",
	}
	if !maps.Equal(p.Columns, wantColumns) {
		t.Errorf("sage_fr columns =\n%q\nwant\n%q", p.Columns, wantColumns)
	}
	wantStatuses := map[string]string{
		"En cours": "open", "En préparation": "picking", "Rupture": "out_of_stock",
		"Anomalie": "anomaly", "Facturée": "invoiced", "Annulée": "cancelled",
	}
	if !maps.Equal(p.Statuses, wantStatuses) {
		t.Errorf("sage_fr statuses =\n%q\nwant\n%q", p.Statuses, wantStatuses)
	}
	if want := map[string]string{"currency": "EUR"}; !maps.Equal(p.Constants, want) {
		t.Errorf("sage_fr constants = %q, want %q", p.Constants, want)
	}
	wantBlocks := []ingest.BlockColumn{
		{Column: "Blocage crédit", Values: map[string]string{"Bloquée crédit": "credit_limit", "Impayés": "financial_block"}},
		{Column: "Blocage livraison", Values: map[string]string{"Z1": "delivery_block", "Z2": "delivery_block"}},
	}
	if !reflect.DeepEqual(p.Blocks, wantBlocks) {
		t.Errorf("sage_fr blocks =\n%+v\nwant\n%+v", p.Blocks, wantBlocks)
	}
	if len(p.Priority) == 0 {
		t.Error("sage_fr shows no priority")
	}
}

// testProfile returns a valid profile, as testProfileYAML writes it.
func testProfile() ingest.Profile {
	return ingest.Profile{
		Format:     "csv",
		Separator:  ";",
		Encoding:   "windows-1252",
		Decimal:    ",",
		DateFormat: "dd/mm/yyyy",
		PeopleBy:   "email",
		Columns: map[string]string{
			"number": "N° commande", "customer_code": "Code.Client", "status": "Statut.",
			"amount": "Montant HT", "rep": "Commercial",
		},
		Statuses: map[string]string{
			"En cours": "open", "Bloquée Crédit": "credit_limit", "Statut.": "anomaly",
			"Réf: X": "out_of_stock", "01": "picking", "yes": "invoiced",
		},
		Blocks: []ingest.BlockColumn{{
			Column: "Blocage livraison",
			Values: map[string]string{"Z1": "delivery_block", "z.2": "delivery_block"},
		}},
		Priority:  []string{"credit_limit", "delivery_block"},
		Constants: map[string]string{"currency": "EUR"},
	}
}

// testProfileYAML is testProfile as it sits in a file, under import.profiles
// and the name NAME; EXTRA, a line at the profile's level, and BLOCKEXTRA,
// a line inside its first block, are for tests to fill.
const testProfileYAML = `import:
  profiles:
    NAME:
      format: csv
      separator: ";"
      encoding: windows-1252
      decimal: ","
      date_format: dd/mm/yyyy
      people_by: email
      columns:
        number: N° commande
        customer_code: Code.Client
        status: Statut.
        amount: Montant HT
        rep: Commercial
      statuses:
        En cours: open
        Bloquée Crédit: credit_limit
        Statut.: anomaly
        "Réf: X": out_of_stock
        01: picking
        yes: invoiced
      blocks:
        - column: Blocage livraison
          values:
            Z1: delivery_block
            z.2: delivery_block
          BLOCKEXTRA
      priority: [credit_limit, delivery_block]
      constants:
        currency: EUR
      EXTRA
`

// profileFile returns testProfileYAML named name, with extra and
// blockExtra in their places.
func profileFile(name, extra, blockExtra string) string {
	return strings.NewReplacer("NAME", name, "BLOCKEXTRA", blockExtra, "EXTRA", extra).Replace(testProfileYAML)
}

func TestParseDays(t *testing.T) {
	for in, want := range map[string][]time.Weekday{
		"mon-fri":     {time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		"Mon,Wed,FRI": {time.Monday, time.Wednesday, time.Friday},
		"fri-mon":     {time.Friday, time.Saturday, time.Sunday, time.Monday},
		"all":         {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
	} {
		got, err := ParseDays(in)
		if err != nil || len(got) != len(want) {
			t.Errorf("ParseDays(%q) = %v, %v", in, got, err)
			continue
		}
		for _, d := range want {
			if !got[d] {
				t.Errorf("ParseDays(%q) lacks %s", in, d)
			}
		}
	}
}

func TestTrackingURLs(t *testing.T) {
	path := writeFile(t, "orderbot.yaml", "bot:\n  tracking_urls:\n    DHL: 'https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={tracking}'\n"+
		"    Geodis Calberson: https://espace-client.geodis.com/services/tracking/{tracking}\n")
	c, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"DHL": "https://www.dhl.com/fr-fr/home/suivi.html?tracking-id={tracking}",
		"Geodis Calberson": "https://espace-client.geodis.com/services/tracking/{tracking}"}
	if !maps.Equal(c.Bot.TrackingURLs, want) {
		t.Errorf("bot.tracking_urls = %q, want %q", c.Bot.TrackingURLs, want)
	}
	if w := EnvWarnings([]string{"ORDERBOT_BOT_TRACKING_URLS=https://x.example/{tracking}"}); len(w) != 1 || !strings.Contains(w[0], "file only") {
		t.Errorf("a variable for bot.tracking_urls warns %q, want that it is read from the file only", w)
	}
}

func TestNextSteps(t *testing.T) {
	path := writeFile(t, "orderbot.yaml", "bot:\n  next_steps:\n    credit_limit:\n      fr: Appeler le credit manager\n      en: Call the credit manager\n")
	c, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Bot.NextSteps["credit_limit"]["fr"]; got != "Appeler le credit manager" {
		t.Errorf("bot.next_steps.credit_limit.fr = %q", got)
	}
	if got := c.Bot.NextSteps["credit_limit"]["en"]; got != "Call the credit manager" {
		t.Errorf("bot.next_steps.credit_limit.en = %q", got)
	}
}

func TestProfileKeysKeptExactly(t *testing.T) {
	path := writeFile(t, "orderbot.yaml", profileFile("Sage-FR_2", "", ""))
	got, err := Load(path, env(map[string]string{"ORDERBOT_IMPORT_PROFILES": "ignored: there is no such variable"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := map[string]ingest.Profile{"Sage-FR_2": testProfile()}
	if !reflect.DeepEqual(got.Import.Profiles, want) {
		t.Errorf("profiles =\n%+v\nwant\n%+v", got.Import.Profiles, want)
	}
	got.Import.Profiles = nil
	if !same(got, Defaults()) {
		t.Errorf("a profile changed other settings:\n%s", got)
	}
}

func TestProfileMergeKeys(t *testing.T) {
	file := strings.Replace(profileFile("sage_fr", "", ""), "    sage_fr:\n", "    sage_fr: &fr\n", 1) +
		"    sage_be:\n      <<: *fr\n      separator: \",\"\n      decimal: \".\"\n"
	got, err := Load(writeFile(t, "orderbot.yaml", file), env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	be := testProfile()
	be.Separator, be.Decimal = ",", "."
	want := map[string]ingest.Profile{"sage_fr": testProfile(), "sage_be": be}
	if !reflect.DeepEqual(got.Import.Profiles, want) {
		t.Errorf("profiles =\n%+v\nwant\n%+v", got.Import.Profiles, want)
	}
}

func TestProfileErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{name: "unknown key in a profile", file: profileFile("sage", "colums:\n        number: No", ""),
			want: []string{"unknown key import.profiles.sage.colums in ", "orderbot.yaml line 32", "(did you mean import.profiles.sage.columns?)"}},
		{name: "unknown key in a block", file: profileFile("sage", "", "valeus: {Z3: delivery_block}"),
			want: []string{"unknown key import.profiles.sage.blocks[0].valeus in ", "orderbot.yaml line 28", "(did you mean import.profiles.sage.blocks[0].values?)"}},
		{name: "key case-insensitive but set twice", file: profileFile("sage", "Decimal: \".\"", ""),
			want: []string{"import.profiles.sage.decimal in ", "line 32", "already set at line 7"}},
		{name: "map key set twice", file: strings.Replace(profileFile("sage", "", ""), "        yes: invoiced\n", "        yes: invoiced\n        En cours: picking\n", 1),
			want: []string{`import.profiles.sage.statuses["En cours"] in `, "already set at line 17"}},
		{name: "invalid status", file: strings.Replace(profileFile("sage", "", ""), "01: picking", "01: pickin", 1),
			want: []string{`import.profiles.sage.statuses["01"]: "pickin" is not an order status`, "orderbot.yaml line 21"}},
		{name: "invalid block status", file: strings.Replace(profileFile("sage", "", ""), "Z1: delivery_block", "Z1: delivery", 1),
			want: []string{`import.profiles.sage.blocks[0].values["Z1"]: "delivery" is not a blocked status`, "orderbot.yaml line 26"}},
		{name: "status word with a dot and a colon", file: strings.Replace(profileFile("sage", "", ""), `"Réf: X": out_of_stock`, `"Réf: X.": stock`, 1),
			want: []string{`import.profiles.sage.statuses["Réf: X."]: "stock" is not an order status`, "orderbot.yaml line 20"}},
		{name: "unknown field in columns", file: strings.Replace(profileFile("sage", "", ""), "        rep: Commercial\n", "        rep: Commercial\n        représentant: Commercial 2\n", 1),
			want: []string{`import.profiles.sage.columns["représentant"]: not an order field`, "orderbot.yaml line 16"}},
		{name: "bad column header in a plain key", file: strings.Replace(profileFile("sage", "", ""), "        rep: Commercial\n", "        rep: \" \"\n", 1),
			want: []string{"import.profiles.sage.columns.rep: ", "orderbot.yaml line 15"}},
		{name: "required column missing", file: strings.Replace(profileFile("sage", "", ""), "        number: N° commande\n", "", 1),
			want: []string{"import.profiles.sage.columns.number: required", "orderbot.yaml line 10"}},
		{name: "profile name with a space", file: profileFile(`"sage fr"`, "", ""),
			want: []string{`import.profiles: "sage fr" is not a profile name`}},
		{name: "empty profile name", file: profileFile(`""`, "", ""),
			want: []string{`import.profiles: "" is not a profile name`}},
		{name: "profile name with a dot", file: profileFile("sage.fr", "", ""),
			want: []string{`import.profiles: "sage.fr" is not a profile name`}},
		{name: "profile not a mapping", file: "import:\n  profiles:\n    sage: csv\n",
			want: []string{"import.profiles.sage in ", "line 3", "want a mapping"}},
		{name: "empty profile", file: "import:\n  profiles:\n    sage:\n",
			want: []string{"import.profiles.sage"}},
		{name: "profile defined twice", file: profileFile("sage", "", "") + "    sage: {}\n",
			want: []string{"import.profiles.sage in ", "line 33", "profile already defined at line 3"}},
		{name: "columns a list", file: "import:\n  profiles:\n    sage:\n      columns: [number, status]\n",
			want: []string{"import.profiles.sage.columns in ", "line 4", "want a mapping, not a list"}},
		{name: "status word given a list", file: strings.Replace(profileFile("sage", "", ""), "En cours: open", "En cours: [open]", 1),
			want: []string{`import.profiles.sage.statuses["En cours"] in `, "line 17", "want a single value, not a list"}},
		{name: "blocks a mapping", file: "import:\n  profiles:\n    sage:\n      blocks: {column: x}\n",
			want: []string{"import.profiles.sage.blocks in ", "want a list, not a mapping"}},
		{name: "block a value", file: "import:\n  profiles:\n    sage:\n      blocks: [Z1]\n",
			want: []string{"import.profiles.sage.blocks[0] in ", "want a mapping with keys such as column and values"}},
		{name: "separator a list", file: "import:\n  profiles:\n    sage:\n      separator: [\";\"]\n",
			want: []string{"import.profiles.sage.separator in ", "want a single value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, "orderbot.yaml", tt.file), env(nil))
			assertOneLine(t, err, tt.want...)
		})
	}
}

func TestValidateProfiles(t *testing.T) {
	c := Defaults()
	bad := testProfile()
	bad.Statuses = map[string]string{"Rupture": "out_of_stok"}
	c.Import.Profiles = map[string]ingest.Profile{"good": testProfile(), "bad": bad, "Bad name": testProfile()}
	err := c.Validate()
	assertOneLine(t, err, `import.profiles: "Bad name" is not a profile name`, `import.profiles.bad.statuses["Rupture"]: "out_of_stok" is not an order status`)
	if strings.Contains(err.Error(), "import.profiles.good") {
		t.Errorf("%v reports the valid profile", err)
	}

	c.Import.Profiles = map[string]ingest.Profile{"good": testProfile()}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v for a valid profile", err)
	}
}
