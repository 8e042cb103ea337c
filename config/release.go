package config

import (
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/orderbot/orderbot/orders"
)

// ReleaseConfig is the release section: where the release of a blocked
// order is asked for and who decides it.
type ReleaseConfig struct {
	// Routes (release.routes, file only) maps a blocked status to the
	// channel its release requests are posted in and the people who may
	// decide them. A status without a route offers no request.
	Routes map[string]ReleaseRoute `mapstructure:"routes" yaml:"routes,omitempty"`
	// StaleAfterHours (release.stale_after_hours) is how long an approved
	// release may wait for an import showing the order released before
	// the requester and the decider are told; 0 tells no one.
	StaleAfterHours int `mapstructure:"stale_after_hours" yaml:"stale_after_hours"`
	// WebhookURL (release.webhook_url) receives each decision, POSTed as
	// signed JSON; empty sends nothing. Its password is redacted when
	// printed.
	WebhookURL string `mapstructure:"webhook_url" yaml:"webhook_url"`
	// WebhookSecret (release.webhook_secret) signs the webhook's bodies
	// (HMAC-SHA256). Secret.
	WebhookSecret string `mapstructure:"webhook_secret" yaml:"webhook_secret" secret:"true"`
}

// ReleaseRoute is where the release requests of one blocked status go.
type ReleaseRoute struct {
	// Channel is the Slack channel ID the requests are posted in.
	Channel string `yaml:"channel"`
	// Deciders are the e-mails of the people who may approve or decline.
	Deciders []string `yaml:"deciders"`
}

// Route returns the route of status s, if it has one.
func (r ReleaseConfig) Route(s orders.Status) (ReleaseRoute, bool) {
	rt, ok := r.Routes[string(s)]
	return rt, ok
}

// MayDecide reports whether the person with e-mail email decides the
// releases of the route.
func (rt ReleaseRoute) MayDecide(email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	return email != "" && slices.ContainsFunc(rt.Deciders, func(d string) bool { return strings.EqualFold(d, email) })
}

// releaseRoutesKey is release.routes, read from the file only.
const releaseRoutesKey = "release.routes"

// channelIDPattern is a Slack channel ID: public (C), private (G) or a
// direct message (D), then upper-case letters and digits.
var channelIDPattern = regexp.MustCompile(`^[CGD][A-Z0-9]{8,}$`)

// readReleaseRoutes decodes release.routes: status → channel and deciders.
func (r *fileReader) readReleaseRoutes(n *yaml.Node) {
	if isNull(n) {
		return
	}
	var m map[string]ReleaseRoute
	if bad := unknownRouteKey(n); bad != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: unknown key %q in a route (want channel: and deciders:)",
			releaseRoutesKey, r.path, bad.Line, bad.Value))
		return
	}
	if err := n.Decode(&m); err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s in %s line %d: want a blocked status, then channel: and deciders: under it (%s)",
			releaseRoutesKey, r.path, n.Line, oneLine(err.Error())))
		return
	}
	r.routes = m
}

// unknownRouteKey returns the first key of a route in routes that is
// neither channel nor deciders, or nil.
func unknownRouteKey(routes *yaml.Node) *yaml.Node {
	if routes.Kind != yaml.MappingNode {
		return nil
	}
	for i := 1; i < len(routes.Content); i += 2 {
		rt := resolve(routes.Content[i])
		if rt.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j < len(rt.Content); j += 2 {
			if k := rt.Content[j]; k.Value != "channel" && k.Value != "deciders" {
				return k
			}
		}
	}
	return nil
}

// releaseProblems checks the release section: each route a blocked status
// with a channel ID and deciders' e-mails, the webhook an http(s) URL
// with its secret.
func (c Config) releaseProblems(ps *problemList) {
	for _, st := range slices.Sorted(maps.Keys(c.Release.Routes)) {
		key, rt := releaseRoutesKey+"."+st, c.Release.Routes[st]
		if s, err := orders.ParseStatus(st); err != nil || !s.Blocked() {
			ps.add(key, "%q is not a blocked status (want one of %v)", st, orders.BlockedStatuses())
			continue
		}
		if !channelIDPattern.MatchString(rt.Channel) {
			ps.add(key+".channel", "%q is not a Slack channel ID (want one such as C0123ABCD)", rt.Channel)
		}
		if len(rt.Deciders) == 0 {
			ps.add(key+".deciders", "empty (want the e-mails of the people who decide)")
		}
		for i, d := range rt.Deciders {
			if at := strings.Index(d, "@"); at < 1 || at == len(d)-1 || strings.ContainsAny(d, " \t,;") {
				ps.add(fmt.Sprintf("%s.deciders[%d]", key, i), "%q is not an e-mail", d)
			}
		}
	}
	if c.Release.StaleAfterHours < 0 || c.Release.StaleAfterHours > 24*60 {
		ps.add("release.stale_after_hours", "%d is out of range (want 0 to 1440, 0 to tell no one)", c.Release.StaleAfterHours)
	}
	if c.Release.WebhookURL != "" {
		if msg := checkHTTPURL(c.Release.WebhookURL); msg != "" {
			ps.add("release.webhook_url", "%s", msg)
		}
		if len(c.Release.WebhookSecret) < 16 {
			ps.add("release.webhook_secret", "required when release.webhook_url is set, at least 16 characters")
		}
	}
}

// String returns the redacted section as YAML.
func (r ReleaseConfig) String() string { return yamlString(redacted(r)) }

// GoString returns the redacted section, for %#v.
func (r ReleaseConfig) GoString() string { return r.String() }

// LogValue logs the redacted section.
func (r ReleaseConfig) LogValue() slog.Value { return sectionLog(redacted(r)) }
