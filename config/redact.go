package config

import (
	"bytes"
	"log/slog"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Redaction marks a secret that was set but is not shown.
const Redaction = "[redacted]"

// passwordMask replaces the password inside database.url, as url.URL.Redacted
// and pgx do.
const passwordMask = "xxxxx"

// Redacted returns a copy of c that is safe to print: every secret that is set
// becomes [Redaction], and the password inside database.url becomes xxxxx
// while the rest of the URL stays readable. Empty secrets stay empty, so
// the copy still shows which are missing. The import profiles hold nothing
// secret; the copy shares them with c.
func (c Config) Redacted() Config {
	mask := func(s *string) {
		if *s != "" {
			*s = Redaction
		}
	}
	mask(&c.Slack.BotToken)
	mask(&c.Slack.AppToken)
	mask(&c.Slack.SigningSecret)
	mask(&c.LLM.APIKey)
	c.Database.URL = redactDatabaseURL(c.Database.URL)
	return c
}

// YAML renders the redacted configuration in the file's format and key names;
// loading the result gives back the same settings, secrets aside.
func (c Config) YAML() ([]byte, error) {
	return marshalYAML(c.Redacted())
}

// String returns the redacted YAML, so that printing a Config with %v never
// shows a secret.
func (c Config) String() string {
	return yamlString(c.Redacted())
}

// GoString returns the redacted YAML, so that %#v is as safe as %v.
func (c Config) GoString() string {
	return c.String()
}

// LogValue logs the redacted configuration as one group per section, so that
// slog (text or JSON) never shows a secret. Of the import profiles, which
// can be long, it logs the names; `orderbot config` shows them whole.
func (c Config) LogValue() slog.Value {
	r := c.Redacted()
	var sections []slog.Attr
	var section string
	var attrs []slog.Attr
	profilesSection, profilesLeaf, _ := strings.Cut(profilesKey, ".")
	flush := func() {
		if section == profilesSection {
			attrs = append(attrs, slog.Any(profilesLeaf, slices.Sorted(maps.Keys(r.Import.Profiles))))
		}
		if section != "" {
			sections = append(sections, slog.Attr{Key: section, Value: slog.GroupValue(attrs...)})
		}
	}
	for _, f := range fields(&r) {
		s, k, _ := strings.Cut(f.key, ".")
		if s != section {
			flush()
			section, attrs = s, nil
		}
		attrs = append(attrs, slog.Any(k, f.value.Interface()))
	}
	flush()
	return slog.GroupValue(sections...)
}

// String returns the section as redacted YAML.
func (d DatabaseConfig) String() string {
	return yamlString(Config{Database: d}.Redacted().Database)
}

// String returns the section as redacted YAML.
func (s SlackConfig) String() string {
	return yamlString(Config{Slack: s}.Redacted().Slack)
}

// String returns the section as redacted YAML.
func (l LLMConfig) String() string {
	return yamlString(Config{LLM: l}.Redacted().LLM)
}

// marshalYAML renders v with two-space indentation.
func marshalYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// yamlString is marshalYAML for a String method, which cannot fail.
func yamlString(v any) string {
	b, err := marshalYAML(v)
	if err != nil {
		return "config: cannot render: " + err.Error()
	}
	return string(b)
}

// redactDatabaseURL masks the passwords in a PostgreSQL URL or key=value
// connection string. A URL too broken to parse keeps only its scheme.
func redactDatabaseURL(s string) string {
	if s == "" {
		return ""
	}
	scheme, _, isURL := strings.Cut(s, "://")
	if !isURL {
		return dsnPassword().ReplaceAllString(s, "${1}"+passwordMask)
	}
	u, err := url.Parse(s)
	if err != nil {
		return scheme + "://" + Redaction
	}
	changed := false
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), passwordMask)
		changed = true
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, passwordMask)
			changed = true
		}
	}
	if !changed {
		return s
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// dsnPassword matches password=... and sslpassword=... in a key=value
// connection string, quoted or not. It is built on each call rather than
// held in a package variable.
func dsnPassword() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)
}

// redactURL hides the password of a URL's user info, if any, for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Redacted()
}
