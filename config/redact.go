package config

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Redaction marks a secret that was set but is not shown.
const Redaction = "[redacted]"

// passwordMask replaces the password of a URL and the value of its secret
// parameters, as url.URL.Redacted and pgx do.
const passwordMask = "xxxxx"

// The redaction rule is structural, so that a new setting cannot be
// forgotten:
//
//   - a field tagged secret:"true" is printed as [Redaction] when set;
//   - a text field whose key ends in "url" (database.url, slack.api_url,
//     llm.base_url) is printed without its password, the values of its
//     secret query parameters (see secretParameter) and its fragment, each
//     xxxxx; a key=value connection string loses its password and
//     sslpassword; a URL too broken to parse keeps only its scheme;
//   - every other field is public and printed as it is. The tests list
//     those deliberately, with why.
//
// Empty secrets stay empty, so that the printed configuration still shows
// which are missing.

// Redacted returns a copy of c that is safe to print, under the rule above.
// The import profiles and wordings hold nothing secret; the copy shares
// them with c.
func (c Config) Redacted() Config {
	redact(reflect.ValueOf(&c).Elem())
	return c
}

// redact applies the rule to the struct v, which must be settable, and to
// the structs inside it.
func redact(v reflect.Value) {
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		switch {
		case !sf.IsExported():
		case sf.Tag.Get("secret") == "true":
			mask(f)
		case f.Kind() == reflect.String && isURLField(sf):
			f.SetString(redactURL(f.String()))
		case f.Kind() == reflect.Struct:
			redact(f)
		}
	}
}

// isURLField reports whether a field holds a URL: its key (or, lacking
// one, its name) ends in url.
func isURLField(sf reflect.StructField) bool {
	name := sf.Tag.Get("mapstructure")
	if name == "" {
		name = sf.Name
	}
	return strings.HasSuffix(strings.ToLower(name), "url")
}

// mask hides a secret field that is set: a text becomes [Redaction], a
// list of texts one [Redaction], anything else its zero value.
func mask(f reflect.Value) {
	switch {
	case f.IsZero():
	case f.Kind() == reflect.String:
		f.SetString(Redaction)
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String && f.Len() > 0:
		s := reflect.MakeSlice(f.Type(), 1, 1)
		s.Index(0).SetString(Redaction)
		f.Set(s)
	default:
		f.Set(reflect.Zero(f.Type()))
	}
}

// secretKey reports whether the setting key (section.key) is tagged
// secret, so that no message ever quotes its value.
func secretKey(key string) bool {
	section, leaf, _ := strings.Cut(key, ".")
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		s := t.Field(i)
		if s.Tag.Get("mapstructure") != section || s.Type.Kind() != reflect.Struct {
			continue
		}
		for j := range s.Type.NumField() {
			if f := s.Type.Field(j); f.Tag.Get("mapstructure") == leaf {
				return f.Tag.Get("secret") == "true"
			}
		}
	}
	return false
}

// redacted returns a copy of a section with the rule applied.
func redacted[T any](v T) T {
	redact(reflect.ValueOf(&v).Elem())
	return v
}

// YAML renders the redacted configuration in the file's format and key names;
// loading the result gives back the same settings, secrets aside.
func (c Config) YAML() ([]byte, error) {
	return marshalYAML(c)
}

// plainConfig is a Config without its methods, for the encoders.
type plainConfig Config

// MarshalYAML makes every YAML encoding of a Config redacted.
func (c Config) MarshalYAML() (any, error) {
	return plainConfig(c.Redacted()), nil
}

// MarshalJSON makes every JSON encoding of a Config redacted.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(plainConfig(c.Redacted()))
}

// String returns the redacted YAML, so that printing a Config with %v never
// shows a secret.
func (c Config) String() string {
	return yamlString(c)
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

// sectionLog logs a redacted section as a group of its single-valued
// settings, by their keys.
func sectionLog(v any) slog.Value {
	r := reflect.ValueOf(v)
	var attrs []slog.Attr
	for i := range r.NumField() {
		if f := r.Field(i); f.Kind() != reflect.Map && r.Type().Field(i).IsExported() {
			attrs = append(attrs, slog.Any(r.Type().Field(i).Tag.Get("mapstructure"), f.Interface()))
		}
	}
	return slog.GroupValue(attrs...)
}

// The sections holding a secret or a URL print themselves redacted too,
// however they are printed: %v, %+v, %#v, slog.

// String returns the section as redacted YAML.
func (d DatabaseConfig) String() string { return yamlString(redacted(d)) }

// GoString returns the section as redacted YAML.
func (d DatabaseConfig) GoString() string { return d.String() }

// LogValue logs the redacted section.
func (d DatabaseConfig) LogValue() slog.Value { return sectionLog(redacted(d)) }

// String returns the section as redacted YAML.
func (s SlackConfig) String() string { return yamlString(redacted(s)) }

// GoString returns the section as redacted YAML.
func (s SlackConfig) GoString() string { return s.String() }

// LogValue logs the redacted section.
func (s SlackConfig) LogValue() slog.Value { return sectionLog(redacted(s)) }

// String returns the section as redacted YAML.
func (l LLMConfig) String() string { return yamlString(redacted(l)) }

// GoString returns the section as redacted YAML.
func (l LLMConfig) GoString() string { return l.String() }

// LogValue logs the redacted section.
func (l LLMConfig) LogValue() slog.Value { return sectionLog(redacted(l)) }

// String returns the section as redacted YAML.
func (a APIConfig) String() string { return yamlString(redacted(a)) }

// GoString returns the section as redacted YAML.
func (a APIConfig) GoString() string { return a.String() }

// LogValue logs the redacted section.
func (a APIConfig) LogValue() slog.Value { return sectionLog(redacted(a)) }

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

// redactDatabaseURL is redactURL, for database.url's messages.
func redactDatabaseURL(s string) string { return redactURL(s) }

// redactURL masks the secrets of a URL (its password, the values of its
// secret parameters, its fragment) or of a key=value connection string (its
// password and sslpassword), keeping the rest readable. A URL too broken to
// parse keeps only its scheme.
func redactURL(s string) string {
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
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), passwordMask)
	}
	if u.RawQuery != "" {
		// Parameter by parameter, so that the others keep their order and
		// spelling.
		params := strings.Split(u.RawQuery, "&")
		for i, p := range params {
			name, _, _ := strings.Cut(p, "=")
			if decoded, err := url.QueryUnescape(name); err == nil && secretParameter(decoded) {
				params[i] = name + "=" + passwordMask
			}
		}
		u.RawQuery = strings.Join(params, "&")
	}
	if u.Fragment != "" {
		u.Fragment, u.RawFragment = passwordMask, ""
	}
	return u.String()
}

// secretParameter reports whether a query parameter may hold a secret:
// password, sslpassword, api-key, key, token, access_token, secret, sig,
// Azure's subscription-key and code... Masking one too many costs nothing.
func secretParameter(name string) bool {
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "", ".", "").Replace(name))
	if n == "code" || n == "sig" || n == "pwd" {
		return true
	}
	for _, part := range []string{"pass", "secret", "token", "key", "signature", "auth", "credential", "session"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// dsnPassword matches password=... and sslpassword=... in a key=value
// connection string, quoted or not. It is built on each call rather than
// held in a package variable.
func dsnPassword() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(\b(?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)`)
}
