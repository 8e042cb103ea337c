package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// publicSettings are the settings that are deliberately printed as they
// are, with why. Every other text, list or map setting must be secret
// (tagged secret:"true") or a URL (its key ends in url: printed without its
// password and secret parameters). A new setting that is in none of these
// fails TestEverySettingIsSecretOrDeliberatelyPublic: decide which it is.
// A key ending in ".*" covers everything under it.
func publicSettings() map[string]string {
	return map[string]string{
		"slack.mode":               "a choice of transport",
		"slack.http_addr":          "a listening address",
		"llm.model":                "a model's name",
		"bot.language":             "a language code",
		"bot.access":               "a policy name",
		"bot.timezone":             "a time zone",
		"bot.order_number_pattern": "a regular expression of order numbers",
		"bot.next_steps.*":         "wordings shown to every user",
		"bot.tracking_urls.*":      "carriers' public tracking pages",
		"import.profiles.*":        "column names and the ERP's words for statuses",
		"alerts.holidays":          "dates of public holidays",
		"digest.days":              "working days",
		"digest.time":              "a time of day",
		"digest.timezone":          "a time zone",
		"digest.when_empty":        "a choice",
		"digest.missed":            "a choice",
		"digest.summary_channel":   "a Slack channel ID, which Slack shows to every member",
		"digest.summary_time":      "a time of day",
		"release.routes.*":         "Slack channel IDs and the work e-mails of the people who decide releases, as the people file has them",
		"api.token_hashes":         "SHA-256 hashes of high-entropy tokens, made to be kept in the file",
		"log.level":                "a level",
		"log.format":               "a format",
	}
}

// leaf is one text of a Config that the walk below set.
type leaf struct {
	key   string // dotted, with * for a map's entries: import.profiles.*.columns.*
	value string // what was set, recognisable in any output
}

// fill sets every text, list and map inside v to recognisable values, and
// returns them. URL settings get a URL with a password and secret
// parameters.
func fill(v reflect.Value, key string, out *[]leaf) {
	mark := func(k string) string { return "V" + strings.NewReplacer(".", "-", "*", "x", "_", "-").Replace(k) + "Z" }
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name := f.Tag.Get("mapstructure")
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if key != "" {
				name = key + "." + name
			}
			fill(v.Field(i), name, out)
		}
	case reflect.String:
		s := mark(key)
		if strings.HasSuffix(key, "url") {
			s = fmt.Sprintf("https://user-%[1]s:pw-%[1]s@host-%[1]s.example.com/v1?mode=public-%[1]s&password=q1-%[1]s"+
				"&sslpassword=q2-%[1]s&api-key=q3-%[1]s&key=q4-%[1]s&token=q5-%[1]s&access_token=q6-%[1]s", mark(key))
		}
		v.SetString(s)
		*out = append(*out, leaf{key, s})
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), key, out)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		k.SetString(mark(key + ".key"))
		*out = append(*out, leaf{key + ".*", k.String()})
		e := reflect.New(v.Type().Elem()).Elem()
		fill(e, key+".*", out)
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// printed is every way a Config is printed, logged or reported.
func printed(c Config) map[string]string {
	y, err := c.YAML()
	if err != nil {
		y = []byte("YAML: " + err.Error())
	}
	var jsonLog, textLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("start", "config", c)
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("start", "config", c)
	j, err := json.Marshal(c)
	if err != nil {
		j = []byte("JSON: " + err.Error())
	}
	yamlOut, err := yaml.Marshal(c)
	if err != nil {
		yamlOut = []byte("yaml.Marshal: " + err.Error())
	}
	out := map[string]string{
		"YAML": string(y), "String": c.String(), "%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c),
		"%#v": fmt.Sprintf("%#v", c), "%v of a pointer": fmt.Sprintf("%v", &c), "slog JSON": jsonLog.String(), "slog text": textLog.String(),
		"json.Marshal": string(j), "yaml.Marshal": string(yamlOut),
	}
	// Each section alone, however it is printed.
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		section, name := v.Field(i).Interface(), v.Type().Field(i).Name
		var jsonLog, textLog bytes.Buffer
		slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("start", "section", section)
		slog.New(slog.NewTextHandler(&textLog, nil)).Info("start", "section", section)
		for verb, text := range map[string]string{"%v": fmt.Sprintf("%v", section), "%+v": fmt.Sprintf("%+v", section),
			"%#v": fmt.Sprintf("%#v", section), "slog": jsonLog.String() + textLog.String()} {
			out[verb+" of "+name] = text
		}
	}
	if err := c.Validate(); err != nil {
		out["Validate"] = err.Error()
	}
	return out
}

// TestEverySettingIsSecretOrDeliberatelyPublic sets every text of a Config
// to a recognisable value and looks for each in everything that prints a
// Config: a secret must appear nowhere, a URL's password and secret
// parameters nowhere, and a public setting in the YAML.
func TestEverySettingIsSecretOrDeliberatelyPublic(t *testing.T) {
	c := Defaults()
	var leaves []leaf
	fill(reflect.ValueOf(&c).Elem(), "", &leaves)
	outputs := printed(c)
	public := publicSettings()
	isPublic := func(key string) bool {
		for p := range public {
			if key == p || strings.HasSuffix(p, ".*") && strings.HasPrefix(key, strings.TrimSuffix(p, "*")) {
				return true
			}
		}
		return false
	}
	shownIn := func(s string) []string {
		var where []string
		for name, out := range outputs {
			if strings.Contains(out, s) {
				where = append(where, name)
			}
		}
		slices.Sort(where)
		return where
	}
	for _, l := range leaves {
		secret := secretKey(l.key)
		switch {
		case secret && isPublic(l.key):
			t.Errorf("%s is both secret and listed as public", l.key)
		case secret:
			if where := shownIn(l.value); len(where) > 0 {
				t.Errorf("the secret %s is shown by %s", l.key, strings.Join(where, ", "))
			}
		case strings.HasSuffix(l.key, "url"):
			mark := l.value[strings.Index(l.value, "host-")+len("host-") : strings.Index(l.value, ".example.com")]
			if !strings.Contains(outputs["YAML"], "host-"+mark) || !strings.Contains(outputs["YAML"], "mode=public-"+mark) {
				t.Errorf("the URL %s loses its host or public parameters:\n%s", l.key, outputs["YAML"])
			}
			for _, part := range []string{"pw-", "q1-", "q2-", "q3-", "q4-", "q5-", "q6-"} {
				if where := shownIn(part + mark); len(where) > 0 {
					t.Errorf("the URL %s shows its %s... part in %s", l.key, part, strings.Join(where, ", "))
				}
			}
		case isPublic(l.key):
			if !strings.Contains(outputs["YAML"], l.value) {
				t.Errorf("the public %s is not in the YAML", l.key)
			}
		default:
			t.Errorf("%s is neither secret (tag it secret:\"true\"), nor a URL, nor listed in publicSettings with why", l.key)
		}
	}
	// The list names no setting that is gone.
	for p := range public {
		if !slices.ContainsFunc(leaves, func(l leaf) bool {
			return l.key == p || strings.HasPrefix(l.key, strings.TrimSuffix(p, "*"))
		}) {
			t.Errorf("publicSettings lists %s, which is not a setting", p)
		}
	}
	// The secrets are said to be set, and the URLs stay URLs.
	r := c.Redacted()
	if r.Slack.BotToken != Redaction || r.API.Tokens != Redaction {
		t.Errorf("set secrets are not %q: %q, %q", Redaction, r.Slack.BotToken, r.API.Tokens)
	}
	if !strings.HasPrefix(r.LLM.BaseURL, "https://user-") || !strings.Contains(r.LLM.BaseURL, ":xxxxx@") {
		t.Errorf("llm.base_url redacted: %q", r.LLM.BaseURL)
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"https://slack.com/api/", "https://slack.com/api/"},
		{"https://proxy-user:hunter2@proxy.example.com/api/", "https://proxy-user:xxxxx@proxy.example.com/api/"},
		{"https://api.example.com/v1?api-key=hunter2", "https://api.example.com/v1?api-key=xxxxx"},
		{"https://x.openai.azure.com/openai/deployments/gpt?api-version=2024-02-01&api-key=hunter2",
			"https://x.openai.azure.com/openai/deployments/gpt?api-version=2024-02-01&api-key=xxxxx"},
		{"http://localhost:11434/v1?key=hunter2&Token=hunter3&access_token=hunter4&subscription-key=hunter5&code=hunter6",
			"http://localhost:11434/v1?key=xxxxx&Token=xxxxx&access_token=xxxxx&subscription-key=xxxxx&code=xxxxx"},
		{"postgres://orderbot:p%40ss%2Fw0rd@db.example.com:5432/orders?sslmode=verify-full&sslpassword=hunter2",
			"postgres://orderbot:xxxxx@db.example.com:5432/orders?sslmode=verify-full&sslpassword=xxxxx"},
		{"postgres://orderbot@db.example.com/orders?password=hunter2", "postgres://orderbot@db.example.com/orders?password=xxxxx"},
		{"postgres://orderbot:hunter2@db1.example.com,db2.example.com/orders", "postgres://orderbot:xxxxx@db1.example.com,db2.example.com/orders"},
		{"host=db.example.com password=hunter2 sslpassword='hunter 3' dbname=orders", "host=db.example.com password=xxxxx sslpassword=xxxxx dbname=orders"},
		{"https://user:hunter2@bad host/", "https://[redacted]"},
		{"https://example.com/cb#access_token=hunter2", "https://example.com/cb#xxxxx"},
	}
	for _, tt := range tests {
		got := redactURL(tt.in)
		if got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "hunter") || strings.Contains(got, "p%40ss") {
			t.Errorf("redactURL(%q) = %q shows a secret", tt.in, got)
		}
	}
}

func TestMisspeltVariablesWarn(t *testing.T) {
	environ := []string{
		"ORDERBOT_SLACK_BOT_TOKN=xoxb-hunter2",
		"ORDERBOT_SLACK_BOT_TOKEN=xoxb-1",
		"ORDERBOT_DATABASE_URL=postgres://x",
		"orderbot_llm_api_key=sk-hunter3",
		"ORDERBOT_IMPORT_PROFILES=x",
		"ORDERBOT_LLM_BASEURL=https://api.example.com/v1",
		"ORDERBOT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1/postgres",
		"ORDERBOT_BENCH_ORDERS=1000",
		"ORDERBOT_=x",
		"PATH=/usr/bin",
		"NOT_ORDERBOT_SLACK_BOT_TOKN=x",
		"ORDERBOTX=1",
		"ORDERBOT_COMPLETELY_UNRELATED_THING=1",
	}
	got := EnvWarnings(environ)
	want := map[string]string{
		"ORDERBOT_SLACK_BOT_TOKN":             "ORDERBOT_SLACK_BOT_TOKEN",
		"orderbot_llm_api_key":                "ORDERBOT_LLM_API_KEY",
		"ORDERBOT_IMPORT_PROFILES":            "file",
		"ORDERBOT_LLM_BASEURL":                "ORDERBOT_LLM_BASE_URL",
		"ORDERBOT_":                           "ORDERBOT_",
		"ORDERBOT_COMPLETELY_UNRELATED_THING": "ORDERBOT_",
	}
	if len(got) != len(want) {
		t.Errorf("%d warnings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for name, hint := range want {
		found := false
		for _, w := range got {
			if strings.HasPrefix(w, name+" ") && strings.Contains(w, hint) {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning names %s with %s:\n%s", name, hint, strings.Join(got, "\n"))
		}
	}
	for _, w := range got {
		if strings.ContainsAny(w, "\n\r") || strings.Contains(w, "hunter") {
			t.Errorf("the warning %q is not one line, or shows a value", w)
		}
	}
	if ws := EnvWarnings(nil); len(ws) != 0 {
		t.Errorf("warnings without an environment: %q", ws)
	}
	// Every setting's own variable is known.
	var all []string
	for _, k := range keys() {
		all = append(all, envName(k)+"=1")
	}
	if ws := EnvWarnings(all); len(ws) != 0 {
		t.Errorf("warnings for the settings' own variables: %q", ws)
	}
}
