package config

import (
	"strings"
	"testing"
)

func TestReleaseRoutesLoad(t *testing.T) {
	path := writeFile(t, "orderbot.yaml", `release:
  routes:
    credit_limit:
      channel: C0CREDIT01
      deciders: [Credit.Control@negoce-durand.fr, daf@negoce-durand.fr]
    delivery_block: {channel: G0LOGISTIC9, deciders: [logistique@negoce-durand.fr]}
  stale_after_hours: 48
`)
	c, err := Load(path, env(map[string]string{
		"ORDERBOT_RELEASE_WEBHOOK_URL":    "https://erp.negoce-durand.fr/hooks/orderbot",
		"ORDERBOT_RELEASE_WEBHOOK_SECRET": "s3cr3t-0123456789abcdef",
	}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	rt, ok := c.Release.Route("credit_limit")
	if !ok || rt.Channel != "C0CREDIT01" || len(rt.Deciders) != 2 {
		t.Fatalf("credit_limit route = %+v, %v", rt, ok)
	}
	if !rt.MayDecide("credit.control@NEGOCE-DURAND.fr") || rt.MayDecide("commercial@negoce-durand.fr") || rt.MayDecide("") {
		t.Error("MayDecide does not follow the deciders' e-mails, whatever their case")
	}
	if _, ok := c.Release.Route("anomaly"); ok {
		t.Error("a status without a route has one")
	}
	if c.Release.StaleAfterHours != 48 || c.Release.WebhookURL == "" {
		t.Errorf("release = %+v", c.Release)
	}
	if s := c.Redacted().String(); strings.Contains(s, "s3cr3t") || !strings.Contains(s, "C0CREDIT01") {
		t.Errorf("printed configuration shows the webhook secret or hides the routes:\n%s", s)
	}
}

func TestReleaseRoutesErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  map[string]string
		want []string
	}{
		{name: "unknown status", file: "release:\n  routes:\n    credit_hold:\n      channel: C0CREDIT01\n      deciders: [a@b.fr]\n",
			want: []string{"release.routes.credit_hold", "not a blocked status"}},
		{name: "status not blocked", file: "release:\n  routes:\n    picking:\n      channel: C0CREDIT01\n      deciders: [a@b.fr]\n",
			want: []string{"release.routes.picking", "not a blocked status"}},
		{name: "channel a name", file: "release:\n  routes:\n    credit_limit:\n      channel: '#credit'\n      deciders: [a@b.fr]\n",
			want: []string{"release.routes.credit_limit.channel", `"#credit" is not a Slack channel ID`, "orderbot.yaml line 2"}},
		{name: "no deciders", file: "release:\n  routes:\n    credit_limit:\n      channel: C0CREDIT01\n",
			want: []string{"release.routes.credit_limit.deciders", "empty"}},
		{name: "decider not an e-mail", file: "release:\n  routes:\n    anomaly:\n      channel: C0ADV00001\n      deciders: [Martine Dupont]\n",
			want: []string{"release.routes.anomaly.deciders[0]", `"Martine Dupont" is not an e-mail`}},
		{name: "routes not a mapping", file: "release:\n  routes: C0CREDIT01\n",
			want: []string{"release.routes in", "line 2", "want a blocked status"}},
		{name: "route key misspelt", file: "release:\n  routes:\n    credit_limit:\n      chanel: C0CREDIT01\n      deciders: [a@b.fr]\n",
			want: []string{"release.routes in", "chanel"}},
		{name: "stale after negative", file: "release:\n  stale_after_hours: -1\n", want: []string{"release.stale_after_hours", "out of range"}},
		{name: "webhook without secret", env: map[string]string{"ORDERBOT_RELEASE_WEBHOOK_URL": "https://erp.example/hook"},
			want: []string{"release.webhook_secret", "required when release.webhook_url is set"}},
		{name: "webhook not a URL", env: map[string]string{"ORDERBOT_RELEASE_WEBHOOK_URL": "erp.example/hook", "ORDERBOT_RELEASE_WEBHOOK_SECRET": "0123456789abcdef"},
			want: []string{"release.webhook_url", "not an http(s) URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, "orderbot.yaml", tt.file)
			}
			_, err := Load(path, env(tt.env))
			assertOneLine(t, err, tt.want...)
		})
	}
}
