// Package config loads, validates and prints orderbot's configuration.
//
// A setting comes, from lowest to highest precedence, from the built-in
// default (see [Defaults]), from the YAML file (orderbot.yaml by default) and
// from the environment variable ORDERBOT_<SECTION>_<KEY>, for example
// ORDERBOT_SLACK_BOT_TOKEN for slack.bot_token. Secrets belong in the
// environment; the file may hold them too, but every way of printing a
// [Config] redacts them. The import profiles (import.profiles) are the one
// exception: they are structured data, read from the file only, with no
// variable.
//
// Everything is checked once, by [Config.Validate], so that a wrong setting
// stops the program at start-up with one line naming the key, instead of
// surfacing as an odd failure later.
package config

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/orderbot/orderbot/orders"
	"github.com/orderbot/orderbot/orders/ingest"
)

// Config is orderbot's whole configuration. The zero value is not usable:
// start from [Defaults] or [Load].
type Config struct {
	// Database is the PostgreSQL store.
	Database DatabaseConfig `mapstructure:"database" yaml:"database"`
	// Slack is the Slack transport.
	Slack SlackConfig `mapstructure:"slack" yaml:"slack"`
	// LLM is the optional language model that helps understand questions.
	LLM LLMConfig `mapstructure:"llm" yaml:"llm"`
	// Bot is how the bot answers.
	Bot BotConfig `mapstructure:"bot" yaml:"bot"`
	// Import is how the ERP's exports are read.
	Import ImportConfig `mapstructure:"import" yaml:"import"`
	// Alerts is how block alerts are delivered.
	Alerts AlertsConfig `mapstructure:"alerts" yaml:"alerts"`
	// Digest is when the reps' digests and the managers' summary are posted.
	Digest DigestConfig `mapstructure:"digest" yaml:"digest"`
	// Release is where releases of blocked orders are asked for and decided.
	Release ReleaseConfig `mapstructure:"release" yaml:"release"`
	// Notify is what orderbot tells people of on its own: followed orders.
	Notify NotifyConfig `mapstructure:"notify" yaml:"notify"`
	// API is the push API of ERPs.
	API APIConfig `mapstructure:"api" yaml:"api"`
	// Log is the program's own logging.
	Log LogConfig `mapstructure:"log" yaml:"log"`
}

// DatabaseConfig is the database section.
type DatabaseConfig struct {
	// URL (database.url) is a postgres:// URL or a key=value connection
	// string. Empty means development: orderbot runs a private throwaway
	// cluster. Its password is redacted when printed.
	URL string `mapstructure:"url" yaml:"url"`
	// MaxConns (database.max_conns) bounds the connection pool.
	MaxConns int32 `mapstructure:"max_conns" yaml:"max_conns"`
	// MigrateOnStart (database.migrate_on_start) applies pending schema
	// migrations when the program starts.
	MigrateOnStart bool `mapstructure:"migrate_on_start" yaml:"migrate_on_start"`
}

// SlackConfig is the slack section. The tokens may stay empty for commands
// that do not talk to Slack; [Config.RequireSlack] checks them for those
// that do.
type SlackConfig struct {
	// Mode (slack.mode) is "socket" (Socket Mode: no public URL needed) or
	// "http" (Events API, slash commands and interactivity over HTTP).
	Mode string `mapstructure:"mode" yaml:"mode"`
	// BotToken (slack.bot_token) is the bot token, xoxb-... Secret.
	BotToken string `mapstructure:"bot_token" yaml:"bot_token" secret:"true"`
	// AppToken (slack.app_token) is the app-level token used by Socket Mode,
	// xapp-... Secret.
	AppToken string `mapstructure:"app_token" yaml:"app_token" secret:"true"`
	// SigningSecret (slack.signing_secret) verifies requests in HTTP mode.
	// Secret.
	SigningSecret string `mapstructure:"signing_secret" yaml:"signing_secret" secret:"true"`
	// APIURL (slack.api_url) is the Slack Web API base URL, ending in "/",
	// so that tests and proxies can stand in for Slack.
	APIURL string `mapstructure:"api_url" yaml:"api_url"`
	// HTTPAddr (slack.http_addr) is the address the HTTP mode listens on.
	HTTPAddr string `mapstructure:"http_addr" yaml:"http_addr"`
	// SlashEphemeral (slack.slash_ephemeral) makes answers to slash commands
	// visible only to the person who asked.
	SlashEphemeral bool `mapstructure:"slash_ephemeral" yaml:"slash_ephemeral"`
	// QuestionLease (slack.question_lease) is how long a replica holds an
	// acknowledged question without renewing its claim: a replica that dies
	// leaves its questions to the others once it runs out.
	QuestionLease time.Duration `mapstructure:"question_lease" yaml:"question_lease"`
}

// LLMConfig is the llm section: an OpenAI-compatible chat completions API.
// An empty BaseURL switches the model off; the bot then understands
// questions with its own rules only.
type LLMConfig struct {
	// BaseURL (llm.base_url) is the API base URL, e.g.
	// https://api.openai.com/v1. Empty means no model.
	BaseURL string `mapstructure:"base_url" yaml:"base_url"`
	// APIKey (llm.api_key) is the API key. Secret.
	APIKey string `mapstructure:"api_key" yaml:"api_key" secret:"true"`
	// Model (llm.model) is the model name; required when BaseURL is set.
	Model string `mapstructure:"model" yaml:"model"`
	// Timeout (llm.timeout) bounds one call to the model.
	Timeout time.Duration `mapstructure:"timeout" yaml:"timeout"`
	// MaxTokens (llm.max_tokens) bounds the length of one completion.
	MaxTokens int `mapstructure:"max_tokens" yaml:"max_tokens"`
}

// BotConfig is the bot section: how questions are understood and answered.
type BotConfig struct {
	// Language (bot.language) is "fr" or "en", used for people whose
	// language is unknown.
	Language string `mapstructure:"language" yaml:"language"`
	// Access (bot.access) is "all" (sales reps and assistants see every open
	// order) or "own" (they see only their own portfolio).
	Access string `mapstructure:"access" yaml:"access"`
	// Timezone (bot.timezone) is the IANA zone in which dates are shown and
	// days begin, e.g. Europe/Paris.
	Timezone string `mapstructure:"timezone" yaml:"timezone"`
	// StaleAfter (bot.stale_after) is the age past which imported data is
	// called stale in answers.
	StaleAfter time.Duration `mapstructure:"stale_after" yaml:"stale_after"`
	// OrderNumberPattern (bot.order_number_pattern) is the Go regular
	// expression that recognises an order number in a question.
	OrderNumberPattern string `mapstructure:"order_number_pattern" yaml:"order_number_pattern"`
	// ListLimit (bot.list_limit) is the most orders listed in one answer,
	// 1 to 100.
	ListLimit int `mapstructure:"list_limit" yaml:"list_limit"`
	// NextSteps (bot.next_steps) words the next step of an order by status
	// and language (next_steps.credit_limit.fr), replacing orderbot's
	// defaults; read from the file only.
	NextSteps map[string]map[string]string `mapstructure:"next_steps" yaml:"next_steps,omitempty"`
	// TrackingURLs (bot.tracking_urls) are the carriers' tracking pages, by
	// carrier as the ERP names it (matched whatever its case): an http or
	// https URL with {tracking} where the tracking number goes. Answers
	// link a shipped line's tracking number to its carrier's page; a
	// carrier without one shows the number as text. Read from the file
	// only.
	TrackingURLs map[string]string `mapstructure:"tracking_urls" yaml:"tracking_urls,omitempty"`
}

// ImportConfig is the import section: the guards of `orderbot import
// orders` and the profiles that say how each ERP export reads.
type ImportConfig struct {
	// MaxCloseShare (import.max_close_share) is the largest share of the
	// open portfolio that a snapshot import may close without --force, in
	// (0, 1]: a truncated export must not wipe the portfolio.
	MaxCloseShare float64 `mapstructure:"max_close_share" yaml:"max_close_share"`
	// MaxErrors (import.max_errors) is how many bad rows an import reports
	// before it stops reading, 1 or more.
	MaxErrors int `mapstructure:"max_errors" yaml:"max_errors"`
	// MaxFileBytes (import.max_file_bytes) is the largest export or people
	// file read, in bytes.
	MaxFileBytes int64 `mapstructure:"max_file_bytes" yaml:"max_file_bytes"`
	// MaxRows (import.max_rows) is the most rows a file may have after its
	// header.
	MaxRows int64 `mapstructure:"max_rows" yaml:"max_rows"`
	// MaxFieldBytes (import.max_field_bytes) is the longest cell, in bytes
	// of UTF-8.
	MaxFieldBytes int64 `mapstructure:"max_field_bytes" yaml:"max_field_bytes"`
	// MaxRowBytes (import.max_row_bytes) is the longest row, all its cells
	// together, at least MaxFieldBytes.
	MaxRowBytes int64 `mapstructure:"max_row_bytes" yaml:"max_row_bytes"`
	// MaxXLSXUncompressedBytes (import.max_xlsx_uncompressed_bytes) is the
	// most an XLSX workbook may hold once unzipped.
	MaxXLSXUncompressedBytes int64 `mapstructure:"max_xlsx_uncompressed_bytes" yaml:"max_xlsx_uncompressed_bytes"`
	// MaxSharedStrings (import.max_shared_strings) is the most strings an
	// XLSX workbook's shared string table may hold.
	MaxSharedStrings int64 `mapstructure:"max_shared_strings" yaml:"max_shared_strings"`
	// Profiles (import.profiles) are the ERP exports orderbot can read, by
	// name (letters, digits, _ and -). They come from the file only: a
	// profile is structured data that no environment variable could hold.
	// Their map keys (header texts, the ERP's words) are kept exactly as
	// written, case, spaces, dots and accents included.
	Profiles map[string]ingest.Profile `mapstructure:"profiles" yaml:"profiles"`
}

// Limits returns the limits of reading an export or the people file, as
// ingest takes them.
func (c ImportConfig) Limits() ingest.Limits {
	return ingest.Limits{
		MaxFileBytes:             c.MaxFileBytes,
		MaxRows:                  c.MaxRows,
		MaxFieldBytes:            c.MaxFieldBytes,
		MaxRowBytes:              c.MaxRowBytes,
		MaxXLSXUncompressedBytes: c.MaxXLSXUncompressedBytes,
		MaxSharedStrings:         c.MaxSharedStrings,
	}
}

// PeopleOptions returns how ingest reads the people file: under the same
// limits, knowing how the profiles name people (each way once, in order),
// since two people of the same name are an error when a profile names
// people by name.
func (c ImportConfig) PeopleOptions() ingest.PeopleOptions {
	var keys []orders.PeopleKey
	for _, p := range c.Profiles {
		k := orders.PeopleKey(strings.ToLower(strings.TrimSpace(string(p.PeopleBy))))
		if k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return ingest.PeopleOptions{Limits: c.Limits(), NamedBy: keys}
}

// LogConfig is the log section.
type LogConfig struct {
	// Level (log.level) is debug, info, warn or error.
	Level string `mapstructure:"level" yaml:"level"`
	// Format (log.format) is json, text, or auto (text on a terminal, JSON
	// otherwise).
	Format string `mapstructure:"format" yaml:"format"`
}

// Defaults returns the configuration used when neither a file nor the
// environment says otherwise: a development setup with a throwaway database,
// no Slack tokens and no language model, enough for `orderbot demo`.
func Defaults() Config {
	limits := ingest.DefaultLimits()
	return Config{
		Database: DatabaseConfig{
			MaxConns:       10,
			MigrateOnStart: true,
		},
		Slack: SlackConfig{
			Mode:           "socket",
			APIURL:         "https://slack.com/api/",
			HTTPAddr:       ":8080",
			SlashEphemeral: true,
			QuestionLease:  15 * time.Second,
		},
		LLM: LLMConfig{
			Timeout:   5 * time.Second,
			MaxTokens: 512,
		},
		Bot: BotConfig{
			Language:           "fr",
			Access:             "all",
			Timezone:           "Europe/Paris",
			StaleAfter:         26 * time.Hour,
			OrderNumberPattern: `[A-Za-z]{0,4}[-/ ]?\d{4,12}`,
			ListLimit:          15,
		},
		Import: ImportConfig{
			MaxCloseShare:            0.3,
			MaxErrors:                100,
			MaxFileBytes:             limits.MaxFileBytes,
			MaxRows:                  limits.MaxRows,
			MaxFieldBytes:            limits.MaxFieldBytes,
			MaxRowBytes:              limits.MaxRowBytes,
			MaxXLSXUncompressedBytes: limits.MaxXLSXUncompressedBytes,
			MaxSharedStrings:         limits.MaxSharedStrings,
		},
		API: APIConfig{
			MaxBody: 10 << 20,
		},
		Alerts: AlertsConfig{
			MaxTries:          5,
			Top:               10,
			EscalateAfterDays: 2,
		},
		Digest: DigestConfig{
			Days:        "mon-fri",
			Time:        "08:30",
			Timezone:    "Europe/Paris",
			StalledDays: 7,
			WhenEmpty:   "line",
			Missed:      "late",
			SummaryTime: "08:00",
		},
		Release: ReleaseConfig{
			StaleAfterHours: 24,
		},
		Notify: NotifyConfig{AutoFollow: true},
		Log: LogConfig{
			Level:  "info",
			Format: "auto",
		},
	}
}

// APIConfig is the api section: who may push orders.
type APIConfig struct {
	// Tokens (api.tokens) are bearer tokens, comma-separated. Secret: give
	// them in the environment, or their hashes in the file.
	Tokens string `mapstructure:"tokens" yaml:"tokens" secret:"true"`
	// TokenHashes (api.token_hashes) are the SHA-256 of bearer tokens, in
	// hex, comma-separated (orderbot api hash-token prints one).
	TokenHashes string `mapstructure:"token_hashes" yaml:"token_hashes"`
	// MaxBody (api.max_body) is the largest request body accepted, in bytes.
	MaxBody int64 `mapstructure:"max_body" yaml:"max_body"`
}

// AlertsConfig is the alerts section.
type AlertsConfig struct {
	// MaxTries (alerts.max_tries) is how many times a delivery is tried
	// before it is parked as failed.
	MaxTries int `mapstructure:"max_tries" yaml:"max_tries"`
	// Top (alerts.top) is how many orders a large batch lists, by value;
	// the rest are counted.
	Top int `mapstructure:"top" yaml:"top"`
	// EscalateAfterDays (alerts.escalate_after_days) is how many working
	// days (digest.days, less Holidays) a blocked order's alert may stay
	// unclaimed before it is escalated to the rep's manager; 0 escalates
	// nothing.
	EscalateAfterDays int `mapstructure:"escalate_after_days" yaml:"escalate_after_days"`
	// Holidays (alerts.holidays) are dates that are not working days,
	// YYYY-MM-DD, comma-separated.
	Holidays string `mapstructure:"holidays" yaml:"holidays"`
}

// DigestConfig is the digest section: the reps' daily digests and the
// managers' summary.
type DigestConfig struct {
	// Days (digest.days) are the working days: "mon-fri", or a list such
	// as "mon,tue,thu".
	Days string `mapstructure:"days" yaml:"days"`
	// Time (digest.time) is when the reps' digests are posted, HH:MM.
	Time string `mapstructure:"time" yaml:"time"`
	// Timezone (digest.timezone) is the IANA zone of Days and Time.
	Timezone string `mapstructure:"timezone" yaml:"timezone"`
	// StalledDays (digest.stalled_days) is how long an order stays blocked
	// before a digest lists it as stalled, to escalate.
	StalledDays int `mapstructure:"stalled_days" yaml:"stalled_days"`
	// WhenEmpty (digest.when_empty) is "line" (a one-line digest when
	// nothing became blocked) or "skip" (no post).
	WhenEmpty string `mapstructure:"when_empty" yaml:"when_empty"`
	// Missed (digest.missed) is what happens to a day's digest or summary
	// missed while orderbot was down: "late" (posted when it comes back)
	// or "skip". Its changes are never lost: they roll into the next one.
	Missed string `mapstructure:"missed" yaml:"missed"`
	// SummaryChannel (digest.summary_channel) is the channel ID of the
	// managers' daily summary; empty means no summary.
	SummaryChannel string `mapstructure:"summary_channel" yaml:"summary_channel"`
	// SummaryTime (digest.summary_time) is when the summary is posted, HH:MM.
	SummaryTime string `mapstructure:"summary_time" yaml:"summary_time"`
}

// field is one single-valued setting of a Config, found by reflection so
// that the struct is the only list of keys.
type field struct {
	key   string        // dotted key, e.g. "slack.bot_token"
	value reflect.Value // the settable field inside the walked Config
}

// fields lists every single-valued setting of c, in declaration order: the
// settings that have a default, a variable, and go through viper. A map
// (import.profiles) is not one of them: it is read from the file only, by
// readProfiles, so that its keys keep their case and dots.
func fields(c *Config) []field {
	var out []field
	root := reflect.ValueOf(c).Elem()
	for i := range root.NumField() {
		section := root.Field(i)
		name := root.Type().Field(i).Tag.Get("mapstructure")
		for j := range section.NumField() {
			if section.Field(j).Kind() == reflect.Map {
				continue
			}
			key := name + "." + section.Type().Field(j).Tag.Get("mapstructure")
			out = append(out, field{key: key, value: section.Field(j)})
		}
	}
	return out
}

// profilesKey, nextStepsKey and trackingURLsKey are the settings that
// fields leaves out: read from the file only.
const (
	profilesKey     = "import.profiles"
	nextStepsKey    = "bot.next_steps"
	trackingURLsKey = "bot.tracking_urls"
)

// fileOnlyKeys lists the settings read from the file only.
func fileOnlyKeys() []string {
	return []string{profilesKey, nextStepsKey, trackingURLsKey, releaseRoutesKey}
}

// keys lists every single-valued key in declaration order.
func keys() []string {
	var c Config
	fs := fields(&c)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.key
	}
	return out
}

// envName is the environment variable that sets key.
func envName(key string) string {
	return "ORDERBOT_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}
