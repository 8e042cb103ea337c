package main

import (
	"strings"
	"testing"
)

func TestConfigRedactsEverySecret(t *testing.T) {
	out, stderr, err := orderbot(t, map[string]string{
		"ORDERBOT_DATABASE_URL":         "postgres://orderbot:dbpw-hunter@db.example.com:5432/orderbot?sslmode=require&sslpassword=sslpw-hunter",
		"ORDERBOT_API_TOKENS":           "erp-token-hunter,second-token-hunter",
		"ORDERBOT_LLM_BASE_URL":         "https://llm-user:llmpw-hunter@llm.example.com/v1?api-version=2024-02-01&api-key=llmkey-hunter",
		"ORDERBOT_LLM_MODEL":            "gpt-4o-mini",
		"ORDERBOT_LLM_API_KEY":          "sk-hunter",
		"ORDERBOT_SLACK_API_URL":        "https://proxy:proxypw-hunter@slack-proxy.example.com/api/",
		"ORDERBOT_SLACK_SIGNING_SECRET": "signing-hunter",
		"ORDERBOT_SLACK_APP_TOKEN":      "xapp-hunter",
	}, "config")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out+stderr, "hunter") {
		t.Errorf("config prints a secret:\n%s\n%s", out, stderr)
	}
	for _, want := range []string{"db.example.com", "sslmode=require", "llm.example.com", "api-version=2024-02-01",
		"slack-proxy.example.com", "tokens: '[redacted]'", "proxy:xxxxx@"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
}

// TestConfigWarnsOfMisspeltVariables sets a misspelt variable in the
// process's environment, as a person would.
func TestConfigWarnsOfMisspeltVariables(t *testing.T) {
	t.Setenv("ORDERBOT_SLACK_BOT_TOKN", "xoxb-hunter")
	vars := map[string]string{"ORDERBOT_SLACK_BOT_TOKN": "xoxb-hunter", "ORDERBOT_BOT_LANGUAGE": "en"}
	_, stderr, err := orderbot(t, vars, "config")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "ORDERBOT_SLACK_BOT_TOKN") || !strings.Contains(lines[0], "ORDERBOT_SLACK_BOT_TOKEN") ||
		strings.Contains(stderr, "hunter") {
		t.Errorf("the warning, one line naming the variable and the right one, without its value:\n%s", stderr)
	}
	// A configuration refused still warns: the typo may be why.
	vars["ORDERBOT_BOT_LANGUAGE"] = "de"
	if _, stderr, err := orderbot(t, vars, "config"); err == nil || !strings.Contains(stderr, "ORDERBOT_SLACK_BOT_TOKN") {
		t.Errorf("a refused configuration: %v, %q", err, stderr)
	}
	// The variable seen through another getenv is no concern of this run.
	if _, stderr, _ := orderbot(t, nil, "config"); stderr != "" {
		t.Errorf("a run that does not see the variable warns: %q", stderr)
	}
}
