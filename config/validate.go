package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/orderbot/orderbot/bot/understand"
	"github.com/orderbot/orderbot/orders"
)

// problem is one thing wrong with one key.
type problem struct {
	key string
	msg string
}

// joinProblems makes one single-line error of ps, each naming its key and,
// when origin knows it, where the value came from.
func joinProblems(ps []problem, origin map[string]string) error {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.key + ": " + p.msg
		if o := originOf(origin, p.key); o != "" {
			parts[i] += " (" + o + ")"
		}
	}
	return errors.New("config: " + strings.Join(parts, "; "))
}

// originOf returns where key, or the nearest enclosing key that origin
// knows, was set: a problem deep inside a profile
// (import.profiles.sage_fr.blocks[1].values["Z1"]) points at the line of
// the value or, failing that, of what holds it.
func originOf(origin map[string]string, key string) string {
	for key != "" {
		if o, ok := origin[key]; ok {
			return o
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return ""
}

// Validate checks every key and reports all problems, in key order, in one
// line such as
//
//	config: bot.language: "de" is not a supported language (fr, en)
//
// It does not require Slack tokens, which only serving needs: see
// [Config.RequireSlack]. Secret values are never quoted in the message.
func (c Config) Validate() error {
	if ps := c.problems(); len(ps) > 0 {
		return joinProblems(ps, nil)
	}
	return nil
}

// RequireSlack is Validate plus the Slack credentials that connecting to
// Slack needs in the configured mode: the bot token always, the app token in
// socket mode, the signing secret in http mode. Commands that work without
// Slack (demo, ask, chat, import) skip it.
func (c Config) RequireSlack() error {
	ps := c.problems()
	need := func(key, value, why string) {
		if value == "" {
			ps = append(ps, problem{key, fmt.Sprintf("required %s (set %s in the environment)", why, envName(key))})
		}
	}
	need("slack.bot_token", c.Slack.BotToken, "to connect to Slack")
	switch c.Slack.Mode {
	case "socket":
		need("slack.app_token", c.Slack.AppToken, "in socket mode")
	case "http":
		need("slack.signing_secret", c.Slack.SigningSecret, "in http mode")
	}
	if len(ps) > 0 {
		return joinProblems(ps, nil)
	}
	return nil
}

// problems lists everything wrong with c, in key order.
func (c Config) problems() []problem {
	var ps problemList
	c.connectionProblems(&ps)
	c.botProblems(&ps)
	c.trackingProblems(&ps)
	c.importProblems(&ps)
	c.notifyProblems(&ps)
	c.releaseProblems(&ps)
	c.serviceProblems(&ps)
	return ps
}

// problemList gathers the configuration's problems, in the order of the
// file.
type problemList []problem

// add records a problem of the setting key.
func (ps *problemList) add(key, format string, args ...any) {
	*ps = append(*ps, problem{key, fmt.Sprintf(format, args...)})
}

// connectionProblems checks the settings of what orderbot connects to:
// the database, Slack and the model.
func (c Config) connectionProblems(ps *problemList) {
	if msg := checkDatabaseURL(c.Database.URL); msg != "" {
		ps.add("database.url", "%s", msg)
	}
	if c.Database.MaxConns < 1 {
		ps.add("database.max_conns", "%d is not a pool size (want 1 or more)", c.Database.MaxConns)
	}

	if c.Slack.Mode != "socket" && c.Slack.Mode != "http" {
		ps.add("slack.mode", "%q is not a mode (socket, http)", c.Slack.Mode)
	}
	if msg := checkToken(c.Slack.BotToken, "xoxb-", "bot token", "xapp-", "an app-level token"); msg != "" {
		ps.add("slack.bot_token", "%s", msg)
	}
	if msg := checkToken(c.Slack.AppToken, "xapp-", "app-level token", "xoxb-", "a bot token"); msg != "" {
		ps.add("slack.app_token", "%s", msg)
	}
	if msg := checkHTTPURL(c.Slack.APIURL); msg != "" {
		ps.add("slack.api_url", "%s", msg)
	} else if !strings.HasSuffix(c.Slack.APIURL, "/") {
		ps.add("slack.api_url", "%q must end with \"/\"", redactURL(c.Slack.APIURL))
	}
	if _, _, err := net.SplitHostPort(c.Slack.HTTPAddr); err != nil {
		ps.add("slack.http_addr", "%q is not a listen address (want host:port or :port)", c.Slack.HTTPAddr)
	}

	if c.Slack.QuestionLease < time.Second {
		ps.add("slack.question_lease", "%s is too short a lease (want 1s or more)", c.Slack.QuestionLease)
	}

	if c.LLM.BaseURL != "" {
		if msg := checkHTTPURL(c.LLM.BaseURL); msg != "" {
			ps.add("llm.base_url", "%s", msg)
		}
		if c.LLM.Model == "" {
			ps.add("llm.model", "required when llm.base_url is set")
		}
	}
	if c.LLM.Timeout <= 0 {
		ps.add("llm.timeout", "%s is not a positive duration", c.LLM.Timeout)
	}
	if c.LLM.MaxTokens < 1 {
		ps.add("llm.max_tokens", "%d is not a token budget (want 1 or more)", c.LLM.MaxTokens)
	}
}

// botProblems checks the bot's settings.
func (c Config) botProblems(ps *problemList) {
	if c.Bot.Language != "fr" && c.Bot.Language != "en" {
		ps.add("bot.language", "%q is not a supported language (fr, en)", c.Bot.Language)
	}
	if c.Bot.Access != "own" && c.Bot.Access != "all" {
		ps.add("bot.access", "%q is not an access rule (own, all)", c.Bot.Access)
	}
	if c.Bot.Timezone == "" {
		ps.add("bot.timezone", "empty (want an IANA time zone such as Europe/Paris)")
	} else if _, err := time.LoadLocation(c.Bot.Timezone); err != nil {
		ps.add("bot.timezone", "%q is not a known time zone (want an IANA name such as Europe/Paris)", c.Bot.Timezone)
	}
	if c.Bot.StaleAfter <= 0 {
		ps.add("bot.stale_after", "%s is not a positive duration", c.Bot.StaleAfter)
	}
	if msg := checkPattern(c.Bot.OrderNumberPattern); msg != "" {
		ps.add("bot.order_number_pattern", "%s", msg)
	}
	if c.Bot.ListLimit < 1 || c.Bot.ListLimit > 100 {
		ps.add("bot.list_limit", "%d is out of range (want 1 to 100)", c.Bot.ListLimit)
	}
	for _, st := range slices.Sorted(maps.Keys(c.Bot.NextSteps)) {
		key := nextStepsKey + "." + st
		if _, err := orders.ParseStatus(st); err != nil {
			ps.add(key, "%q is not an order status (want one of %v)", st, orders.Statuses())
			continue
		}
		for _, lang := range slices.Sorted(maps.Keys(c.Bot.NextSteps[st])) {
			switch {
			case lang != "fr" && lang != "en":
				ps.add(key+"."+lang, "%q is not a supported language (fr, en)", lang)
			case strings.TrimSpace(c.Bot.NextSteps[st][lang]) == "":
				ps.add(key+"."+lang, "empty (want the wording of the next step)")
			}
		}
	}
}

// trackingProblems checks bot.tracking_urls: each carrier named, each
// template an http or https URL with {tracking} where the number goes,
// and nothing Slack would read as the end of a link.
func (c Config) trackingProblems(ps *problemList) {
	for _, carrier := range slices.Sorted(maps.Keys(c.Bot.TrackingURLs)) {
		key, tmpl := trackingURLsKey+"."+carrier, c.Bot.TrackingURLs[carrier]
		u, err := url.Parse(strings.ReplaceAll(tmpl, "{tracking}", "X"))
		switch {
		case strings.TrimSpace(carrier) == "":
			ps.add(key, "no carrier named (want the carrier as the ERP's exports name it)")
		case !strings.Contains(tmpl, "{tracking}"):
			ps.add(key, "%q has no {tracking} where the tracking number goes", tmpl)
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			ps.add(key, "%q is not an http or https URL", tmpl)
		case strings.ContainsAny(tmpl, "<>| \t\r\n"):
			ps.add(key, "%q holds a space, <, > or |, which a link in Slack cannot", tmpl)
		}
	}
}

// importProblems checks the import settings and profiles.
func (c Config) importProblems(ps *problemList) {
	// Written so that NaN fails too.
	if !(c.Import.MaxCloseShare > 0 && c.Import.MaxCloseShare <= 1) {
		ps.add("import.max_close_share", "%v is out of range (want a share above 0 and at most 1, such as 0.3 for 30%%)", c.Import.MaxCloseShare)
	}
	if c.Import.MaxErrors < 1 {
		ps.add("import.max_errors", "%d is out of range (want 1 or more)", c.Import.MaxErrors)
	}
	if c.Import.MaxFileBytes < 1024 {
		ps.add("import.max_file_bytes", "%d is too small (want at least 1024 bytes)", c.Import.MaxFileBytes)
	}
	if c.Import.MaxRows < 1 {
		ps.add("import.max_rows", "%d is out of range (want 1 or more)", c.Import.MaxRows)
	}
	if c.Import.MaxFieldBytes < 1024 {
		ps.add("import.max_field_bytes", "%d is too small (want at least 1024 bytes: a cell must hold what the store holds)", c.Import.MaxFieldBytes)
	}
	if c.Import.MaxRowBytes < c.Import.MaxFieldBytes {
		ps.add("import.max_row_bytes", "%d is smaller than import.max_field_bytes (%d)", c.Import.MaxRowBytes, c.Import.MaxFieldBytes)
	}
	if c.Import.MaxXLSXUncompressedBytes < 64<<10 {
		ps.add("import.max_xlsx_uncompressed_bytes", "%d is too small (want at least 65536 bytes)", c.Import.MaxXLSXUncompressedBytes)
	}
	if c.Import.MaxSharedStrings < 1 {
		ps.add("import.max_shared_strings", "%d is out of range (want 1 or more)", c.Import.MaxSharedStrings)
	}
	*ps = append(*ps, profileProblems(c.Import.Profiles)...)
}

// notifyProblems checks the settings of alerts, digests and the summary.
func (c Config) notifyProblems(ps *problemList) {
	if c.Alerts.MaxTries < 1 || c.Alerts.MaxTries > 100 {
		ps.add("alerts.max_tries", "%d is out of range (want 1 to 100)", c.Alerts.MaxTries)
	}
	if c.Alerts.Top < 1 || c.Alerts.Top > 50 {
		ps.add("alerts.top", "%d is out of range (want 1 to 50)", c.Alerts.Top)
	}
	if c.Alerts.EscalateAfterDays < 0 || c.Alerts.EscalateAfterDays > 60 {
		ps.add("alerts.escalate_after_days", "%d is out of range (want 0 to 60, 0 for no escalation)", c.Alerts.EscalateAfterDays)
	}
	if _, err := ParseHolidays(c.Alerts.Holidays); err != nil {
		ps.add("alerts.holidays", "%s", err)
	}
	if _, err := ParseDays(c.Digest.Days); err != nil {
		ps.add("digest.days", "%s", err)
	}
	for key, v := range map[string]string{"digest.time": c.Digest.Time, "digest.summary_time": c.Digest.SummaryTime} {
		if _, _, err := ParseClock(v); err != nil {
			ps.add(key, "%s", err)
		}
	}
	if _, err := time.LoadLocation(c.Digest.Timezone); err != nil || c.Digest.Timezone == "" {
		ps.add("digest.timezone", "%q is not a known time zone (want an IANA name such as Europe/Paris)", c.Digest.Timezone)
	}
	if c.Digest.StalledDays < 1 {
		ps.add("digest.stalled_days", "%d is out of range (want 1 or more)", c.Digest.StalledDays)
	}
	if c.Digest.WhenEmpty != "line" && c.Digest.WhenEmpty != "skip" {
		ps.add("digest.when_empty", "%q is not a choice (line, skip)", c.Digest.WhenEmpty)
	}
	if c.Digest.Missed != "late" && c.Digest.Missed != "skip" {
		ps.add("digest.missed", "%q is not a choice (late, skip)", c.Digest.Missed)
	}
}

// serviceProblems checks the settings of the push API and of the logs.
func (c Config) serviceProblems(ps *problemList) {
	if c.API.MaxBody < 1024 {
		ps.add("api.max_body", "%d is too small (want at least 1024 bytes)", c.API.MaxBody)
	}
	for _, h := range strings.Split(c.API.TokenHashes, ",") {
		if h = strings.TrimSpace(h); h != "" && !isSHA256Hex(h) {
			ps.add("api.token_hashes", "%q is not a SHA-256 in hex (64 characters 0-9a-f)", h)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		ps.add("log.level", "%q is not a level (debug, info, warn, error)", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "json", "text":
	default:
		ps.add("log.format", "%q is not a format (auto, json, text)", c.Log.Format)
	}
}

// checkDatabaseURL returns what is wrong with s as database.url, or "".
// Empty is fine: it asks for a throwaway development cluster.
func checkDatabaseURL(s string) string {
	if s == "" {
		return ""
	}
	notURL := fmt.Sprintf("%q is not a PostgreSQL URL (want postgres://user@host:5432/db)", redactDatabaseURL(s))
	scheme, _, isURL := strings.Cut(s, "://")
	if isURL {
		if scheme != "postgres" && scheme != "postgresql" {
			return notURL
		}
		// Parsed here first, without quoting url's error, which would
		// print the password.
		u, err := url.Parse(s)
		if err != nil || (u.Host == "" && u.Query().Get("host") == "") {
			return notURL
		}
	} else if !strings.Contains(s, "=") {
		return notURL
	}
	// pgx is the judge of what it will accept (ports, sslmode, ...). Its
	// message quotes the connection string with the password masked; keep
	// only the reason.
	if _, err := pgconn.ParseConfig(s); err != nil {
		reason := oneLine(err.Error())
		if _, after, ok := strings.Cut(reason, "`: "); ok {
			reason = after
		}
		return fmt.Sprintf("%q is not a valid PostgreSQL connection string: %s", redactDatabaseURL(s), reason)
	}
	return ""
}

// checkToken returns what is wrong with a Slack token that should start with
// prefix, or "". The token itself is never quoted.
func checkToken(token, prefix, kind, otherPrefix, other string) string {
	switch {
	case token == "" || strings.HasPrefix(token, prefix):
		return ""
	case strings.HasPrefix(token, otherPrefix):
		return fmt.Sprintf("holds %s (%s...); want the %s, which starts with %s", other, otherPrefix, kind, prefix)
	default:
		return fmt.Sprintf("does not look like a Slack %s (want %s...)", kind, prefix)
	}
}

// checkHTTPURL returns what is wrong with s as an http(s) URL, or "".
func checkHTTPURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an http(s) URL", redactURL(s))
	}
	return ""
}

// checkPattern returns what is wrong with s as bot.order_number_pattern, or "".
func checkPattern(s string) string {
	if s == "" {
		return "empty (want a Go regular expression)"
	}
	if _, err := regexp.Compile(s); err != nil {
		return fmt.Sprintf("%q is not a Go regular expression: %s", s, oneLine(err.Error()))
	}
	if _, err := understand.New(s); err != nil {
		return oneLine(err.Error())
	}
	return ""
}

// ParseDays reads digest.days: "mon-fri", "mon,wed,fri", "sat-sun", "all".
func ParseDays(s string) (map[time.Weekday]bool, error) {
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	day := func(n string) (int, bool) {
		for i, d := range names {
			if strings.EqualFold(strings.TrimSpace(n), d) {
				return i, true
			}
		}
		return 0, false
	}
	out := map[time.Weekday]bool{}
	if strings.EqualFold(strings.TrimSpace(s), "all") {
		for i := range names {
			out[time.Weekday(i)] = true
		}
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok1 := day(from)
		b, ok2 := a, true
		if isRange {
			b, ok2 = day(to)
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%q is not a list of days (want e.g. mon-fri or mon,wed,fri)", s)
		}
		for i := a; ; i = (i + 1) % 7 {
			out[time.Weekday(i)] = true
			if i == b {
				break
			}
		}
	}
	return out, nil
}

// ParseHolidays reads alerts.holidays: dates YYYY-MM-DD, comma-separated,
// as a set of days (YYYY-MM-DD).
func ParseHolidays(s string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, part)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date (want YYYY-MM-DD, such as 2026-12-25, comma-separated)", part)
		}
		out[d.Format(time.DateOnly)] = true
	}
	return out, nil
}

// ParseClock reads a time of day, HH:MM.
func ParseClock(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day (want HH:MM, such as 08:30)", s)
	}
	return t.Hour(), t.Minute(), nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// APITokenHashes returns the hashes of every accepted API token: those of
// the file, and those of the tokens given in the environment.
func (c Config) APITokenHashes(hash func(string) string) []string {
	var out []string
	for _, h := range strings.Split(c.API.TokenHashes, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, strings.ToLower(h))
		}
	}
	for _, t := range strings.Split(c.API.Tokens, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, hash(t))
		}
	}
	return out
}
